using System.Text.Json;
using Command.Web.Video;
using Microsoft.Playwright;

namespace Command.Web.Tests.Video;

/// <summary>
/// One RTCPeerConnection in a Chromium page (a secure origin served by the test), configured as GET /api/video/ice would
/// configure it: publishing the fake camera, or receiving. Candidates are collected for the test to pass on.
/// </summary>
internal sealed class BrowserPeer(IPage page)
{
    private const string Script = """
        window.peer = {
          candidates: [], gathered: false, pc: null,
          open(config) {
            this.pc = new RTCPeerConnection(config);
            this.pc.onicecandidate = e => e.candidate
              ? this.candidates.push({ candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex })
              : this.gathered = true;
          },
          async offer(config) {
            this.open(config);
            const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
            stream.getTracks().forEach(t => this.pc.addTrack(t, stream));
            const offer = await this.pc.createOffer();
            await this.pc.setLocalDescription(offer);
            return offer.sdp;
          },
          async answer(config, sdp, publish) {
            if (!this.pc) this.open(config);
            if (publish) {
              const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
              stream.getTracks().forEach(t => this.pc.addTrack(t, stream));
            }
            await this.pc.setRemoteDescription({ type: 'offer', sdp });
            const answer = await this.pc.createAnswer();
            await this.pc.setLocalDescription(answer);
            return answer.sdp;
          },
          async accept(sdp) { await this.pc.setRemoteDescription({ type: 'answer', sdp }); },
          async add(c) { await this.pc.addIceCandidate(c); },
          take() { const c = this.candidates; this.candidates = []; return { candidates: c, gathered: this.gathered }; },
          async decoded() {
            let frames = 0;
            (await this.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
            return frames;
          },
          async route() {
            const stats = await this.pc.getStats(); let pair = null;
            stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
            return pair ? stats.get(pair.localCandidateId).candidateType + '>' + stats.get(pair.remoteCandidateId).candidateType : '';
          },
          close() { if (this.pc) this.pc.close(); },
        };
        """;

    public static async Task<BrowserPeer> OpenAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("http://localhost/video-test", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>video</title>" }));
        await page.GotoAsync("http://localhost/video-test");
        await page.EvaluateAsync(Script);
        return new BrowserPeer(page);
    }

    public static object Config(IceConfigView ice) => new
    {
        iceServers = ice.IceServers.Select(s => new { urls = s.Urls, username = s.Username, credential = s.Credential }).ToArray(),
        iceTransportPolicy = ice.IceTransportPolicy,
    };

    public Task<string> OfferAsync(IceConfigView ice) => page.EvaluateAsync<string>("c => peer.offer(c)", Config(ice));

    public Task<string> AnswerAsync(IceConfigView ice, string offer, bool publish = false) =>
        page.EvaluateAsync<string>("([c, sdp, publish]) => peer.answer(c, sdp, publish)", new object[] { Config(ice), offer, publish });

    public Task AcceptAsync(string answer) => page.EvaluateAsync("sdp => peer.accept(sdp)", answer);

    public Task AddAsync(VideoIceCandidate candidate) =>
        page.EvaluateAsync("c => peer.add(c)", new { candidate = candidate.Candidate, sdpMid = candidate.SdpMid, sdpMLineIndex = candidate.SdpMLineIndex });

    /// <summary>Every candidate of this peer, once it has gathered them all (a relay-only peer has only relay ones).</summary>
    public async Task<IReadOnlyList<VideoIceCandidate>> CandidatesAsync()
    {
        await page.WaitForFunctionAsync("() => peer.gathered", null, new() { Timeout = 20_000 });
        var taken = await page.EvaluateAsync<JsonElement>("() => peer.take()");
        return taken.GetProperty("candidates").EnumerateArray()
            .Select(c => new VideoIceCandidate(c.GetProperty("candidate").GetString()!, c.GetProperty("sdpMid").GetString(),
                c.GetProperty("sdpMLineIndex").ValueKind == JsonValueKind.Number ? c.GetProperty("sdpMLineIndex").GetInt32() : null))
            .ToList();
    }

    /// <summary>Waits until this peer has decoded video frames it received: the picture shows.</summary>
    public async Task WaitForVideoAsync()
    {
        await page.WaitForFunctionAsync("async () => (await peer.decoded()) > 5", null, new() { Timeout = 30_000, PollingInterval = 250 });
    }

    /// <summary>The selected candidate pair's types, e.g. "relay&gt;relay".</summary>
    public Task<string> RouteAsync() => page.EvaluateAsync<string>("() => peer.route()");

    public async Task CloseAsync()
    {
        await page.EvaluateAsync("() => peer.close()");
        await page.Context.CloseAsync();
    }
}
