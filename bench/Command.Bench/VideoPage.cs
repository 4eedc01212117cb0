using System.Text.Json;
using Microsoft.Playwright;

namespace Command.Bench;

/// <summary>
/// A Chromium page holding named RTCPeerConnections, configured as GET /api/video/ice configures a browser: one may publish
/// the fake camera (offering, or answering with it), the others receive. Each connection's ICE candidates are collected
/// for the caller to pass on. Shared with the video tests (tests/Command.Web.Tests/Video).
/// </summary>
internal sealed class VideoPage(IPage page)
{
    private const string Script = """
        window.peers = {
          all: {},
          open(id, config) {
            const pc = new RTCPeerConnection(config);
            const peer = { pc, candidates: [], gathered: false };
            pc.onicecandidate = e => e.candidate
              ? peer.candidates.push({ candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex })
              : peer.gathered = true;
            this.all[id] = peer;
            return pc;
          },
          async camera(pc, size) {
            const stream = await navigator.mediaDevices.getUserMedia({ video: { width: size[0], height: size[1] }, audio: true });
            stream.getTracks().forEach(t => pc.addTrack(t, stream));
          },
          async offer(id, config, size) {
            const pc = this.open(id, config);
            await this.camera(pc, size);
            const offer = await pc.createOffer();
            await pc.setLocalDescription(offer);
            return offer.sdp;
          },
          async answer(id, config, sdp, size) {
            const pc = this.open(id, config);
            if (size) await this.camera(pc, size);
            await pc.setRemoteDescription({ type: 'offer', sdp });
            const answer = await pc.createAnswer();
            await pc.setLocalDescription(answer);
            return answer.sdp;
          },
          async accept(id, sdp) { await this.all[id].pc.setRemoteDescription({ type: 'answer', sdp }); },
          async add(id, c) { await this.all[id].pc.addIceCandidate(c); },
          take(id) { const p = this.all[id]; const c = p.candidates; p.candidates = []; return { candidates: c, gathered: p.gathered }; },
          async decoded(id) {
            let frames = 0;
            (await this.all[id].pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
            return frames;
          },
          async received() {
            let bytes = 0;
            for (const p of Object.values(this.all))
              (await p.pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp') bytes += s.bytesReceived || 0; });
            return bytes;
          },
          async route(id) {
            const stats = await this.all[id].pc.getStats(); let pair = null;
            stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
            return pair ? stats.get(pair.localCandidateId).candidateType + '>' + stats.get(pair.remoteCandidateId).candidateType : '';
          },
          close(id) { this.all[id].pc.close(); delete this.all[id]; },
        };
        """;

    /// <summary>The camera's size (the fake device scales its test pattern to it).</summary>
    public static readonly int[] Size = [320, 240];

    /// <summary>A page on its own browser context, at a secure origin (getUserMedia needs one) the page serves itself.</summary>
    public static async Task<VideoPage> OpenAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("http://localhost/video-page", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<!doctype html><title>video</title>" }));
        await page.GotoAsync("http://localhost/video-page");
        await page.EvaluateAsync(Script);
        return new VideoPage(page);
    }

    /// <summary>Launches the system's Chromium with a fake camera and microphone, granted without asking.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = chromium,
        Headless = true,
        Args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
    });

    /// <summary>Publishes the camera on connection <paramref name="id"/>: the SDP offer.</summary>
    public Task<string> OfferAsync(string id, object config) => page.EvaluateAsync<string>("([id, c, size]) => peers.offer(id, c, size)", new[] { id, config, Size });

    /// <summary>Answers an offer on a new connection <paramref name="id"/>, sending the camera too when <paramref name="publish"/>.</summary>
    public Task<string> AnswerAsync(string id, object config, string offer, bool publish = false) =>
        page.EvaluateAsync<string>("([id, c, sdp, size]) => peers.answer(id, c, sdp, size)", new[] { id, config, offer, publish ? Size : null });

    public Task AcceptAsync(string id, string answer) => page.EvaluateAsync("([id, sdp]) => peers.accept(id, sdp)", new[] { id, answer });

    public Task AddAsync(string id, string candidate, string? sdpMid, int? sdpMLineIndex) =>
        page.EvaluateAsync("([id, c]) => peers.add(id, c)", new object[] { id, new { candidate, sdpMid, sdpMLineIndex } });

    /// <summary>Every ICE candidate of connection <paramref name="id"/>, once it has gathered them all.</summary>
    public async Task<IReadOnlyList<(string Candidate, string? SdpMid, int? SdpMLineIndex)>> CandidatesAsync(string id)
    {
        await page.WaitForFunctionAsync("id => peers.all[id].gathered", id, new() { Timeout = 20_000 });
        var taken = await page.EvaluateAsync<JsonElement>("id => peers.take(id)", id);
        return taken.GetProperty("candidates").EnumerateArray()
            .Select(c => (c.GetProperty("candidate").GetString()!, c.GetProperty("sdpMid").GetString(),
                c.GetProperty("sdpMLineIndex").ValueKind == JsonValueKind.Number ? c.GetProperty("sdpMLineIndex").GetInt32() : (int?)null))
            .ToList();
    }

    /// <summary>Waits until connection <paramref name="id"/> has decoded video frames it received: the picture shows.</summary>
    public Task WaitForVideoAsync(string id, float timeoutMs = 30_000) =>
        page.WaitForFunctionAsync("async id => (await peers.decoded(id)) > 5", id, new() { Timeout = timeoutMs, PollingInterval = 250 });

    /// <summary>Bytes received so far over every connection of the page (RTP payload and headers).</summary>
    public Task<long> ReceivedAsync() => page.EvaluateAsync<long>("() => peers.received()");

    /// <summary>The selected candidate pair's types, e.g. "relay&gt;host".</summary>
    public Task<string> RouteAsync(string id) => page.EvaluateAsync<string>("id => peers.route(id)", id);

    public Task CloseAsync() => page.Context.CloseAsync();
}
