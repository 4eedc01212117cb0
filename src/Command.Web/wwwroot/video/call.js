// Live video calls (视频通话), one module for the wall, the console and the phone. Signalling goes over /hubs/video
// (Call → Ring at the callee's devices → Accept → the caller sends the offer → answer and candidates), media peer to
// peer (through TURN where /api/video/ice says so). The window: movable over the wall's map, a panel in the console,
// full screen on the phone. All text users see is Chinese; the server sends the labels of a call's state.

const CSRF = { 'X-Command-Csrf': '1' };
const VIDEO_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };
// A talker's page beats this often; the server ends a call whose side is quiet for Calls:AwayFor (20 s by default).
const BEAT_MS = 5000;
// ICE that stays disconnected this long is restarted (a network switch: new addresses on this side or the other).
const ICE_GRACE_MS = 3000;
// After the media failed, this long to come back (ICE restarts, the hub reconnecting) before the call is given up here.
const MEDIA_GIVE_UP_MS = 25000;
const LIVE = new Set(['ringing', 'connected']);

let started = null;

/**
 * Connects once per page and returns { call(target, { label, caseCode, orderId }) }. `mode` is 'wall', 'console' or
 * 'phone'. A page may call it again; it answers the same instance.
 */
export function startCalls({ mode = 'wall' } = {}) {
    if (started) return started;
    started = createCalls(mode);
    return started;
}

function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    if (props.className) node.className = props.className;
    if (props.text !== undefined) node.textContent = props.text;
    for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
    for (const [k, v] of Object.entries(props.on ?? {})) node.addEventListener(k, v);
    node.append(...children);
    return node;
}

function clock(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function createCalls(mode) {
    if (!document.querySelector('link[data-video-css]')) {
        document.head.append(el('link', { attrs: { rel: 'stylesheet', href: new URL('./call.css', import.meta.url).href, 'data-video-css': '' } }));
    }

    // ---- the page's pieces ----------------------------------------------------------------------------------------
    const toastBox = el('div', { className: 'video-toast', attrs: { id: 'video-toast', role: 'status', hidden: '' } });
    const ringBox = el('div', { className: 'video-ring', attrs: { id: 'video-ring', role: 'alertdialog', hidden: '' } });
    const missedBox = el('div', { className: 'video-missed', attrs: { id: 'video-missed', hidden: '' } });
    const remote = el('video', { attrs: { id: 'video-remote', autoplay: '', playsinline: '' } });
    const local = el('video', { attrs: { id: 'video-local', autoplay: '', playsinline: '' } });
    local.muted = true;
    const title = el('span', { className: 'video-title', attrs: { id: 'video-title' } });
    const status = el('span', { className: 'video-status', attrs: { id: 'video-status' } });
    const head = el('header', { className: 'video-head' }, title, status);
    const tiles = el('div', { className: 'video-tiles' }, el('div', { className: 'video-tile remote' }, remote), el('div', { className: 'video-tile local' }, local));
    const button = (name, text) => el('button', { text, attrs: { type: 'button', 'data-video': name } });
    const mute = button('mute', '静音');
    const camera = button('camera', '关闭摄像头');
    const flip = button('switch', '切换摄像头');
    const hang = button('hangup', '挂断');
    hang.classList.add('hangup');
    const controls = el('div', { className: 'video-controls' }, mute, camera, flip, hang);
    const win = el('section', { className: `video-window ${mode}`, attrs: { id: 'video-window', hidden: '', 'aria-label': '视频通话' } }, head, tiles, controls);
    document.body.append(win, ringBox, missedBox, toastBox);
    if (mode === 'wall' || mode === 'console') movable(win, head);

    // ---- state ----------------------------------------------------------------------------------------------------
    let hub = null;
    let ready = null;
    let active = null;   // { id, role: 'caller' | 'callee', pc, stream, t0, timer, pending: [], label }
    const ringing = new Map(); // call id → view, ringing here
    let tone = null;
    const probe = { setupMs: null, lastError: null, ended: null };

    function toast(text, ms = 4000) {
        toastBox.textContent = text;
        toastBox.hidden = false;
        clearTimeout(toastBox._t);
        toastBox._t = setTimeout(() => { toastBox.hidden = true; }, ms);
    }

    async function connect() {
        if (!window.signalR) throw new Error('signalR missing');
        hub = new signalR.HubConnectionBuilder()
            .withUrl('/hubs/video', { headers: CSRF })
            .withAutomaticReconnect()
            .configureLogging(signalR.LogLevel.None)
            .build();
        hub.on('Ring', onRing);
        hub.on('RingStopped', view => stopRinging(view.id));
        hub.on('Accepted', onAccepted);
        hub.on('Ended', onEnded);
        hub.on('Missed', view => showMissed([view]));
        hub.on('Signal', onSignal);
        hub.on('ConferenceInvite', view => onRing({ ...view, conference: true, startedAt: Date.now(), ringForMs: 60000, callerName: view.hostName }));
        hub.on('FeedJoined', (id, feed, display) => { if (active?.kind === 'conference' && active.id === id) feedJoined(active, feed, display); });
        hub.on('FeedLeft', (id, feed) => { if (active?.kind === 'conference' && active.id === id) dropFeed(active, feed); });
        hub.on('ConferenceEnded', id => { if (active?.kind === 'conference' && active.id === id) { toast('会商已结束'); end(); } });
        hub.on('PeerBack', onPeerBack);
        // Signed out (elsewhere, or the session expired): hang the call up, so the other side is told at once.
        hub.on('SignedOut', async () => { await hangUp(); hub.stop(); });
        hub.onreconnecting(() => { if (active?.id && active.kind !== 'conference') setStatus('网络中断，正在重新连接…'); });
        hub.onreconnected(async () => { await watch(); await resume(); });
        await hub.start();
        await watch();
    }

    async function watch() {
        const result = await hub.invoke('Watch');
        if (!result.ok) return;
        for (const view of result.ringing) onRing(view);
        showMissed(result.missed);
    }

    ready = connect().catch(() => { /* no calls on this page (no hub, or the account has no party) */ });
    // Leaving the page hangs up (best effort): the server cannot tell a closed page from a broken network, and would
    // otherwise wait Calls:AwayFor for this side to come back.
    addEventListener('pagehide', () => {
        const call = active;
        if (call?.id && call.kind !== 'conference' && hub?.state === signalR.HubConnectionState.Connected) hub.send('HangUp', call.id).catch(() => { });
    });

    // ---- media ----------------------------------------------------------------------------------------------------
    async function media() {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error('此浏览器不支持视频通话（需要 HTTPS 或本机地址）');
        try {
            return await navigator.mediaDevices.getUserMedia({ audio: true, video: { ...VIDEO_CONSTRAINTS, facingMode: 'user' } });
        } catch (e) {
            throw new Error(`无法打开摄像头或麦克风：${e.message || e.name}`);
        }
    }

    async function iceConfig() {
        try {
            const response = await fetch('/api/video/ice', { credentials: 'same-origin', headers: CSRF });
            if (response.ok) return await response.json();
        } catch { /* offline or no endpoint: host candidates only (one LAN) */ }
        return { iceServers: [], iceTransportPolicy: 'all' };
    }

    async function peer(call) {
        const ice = await iceConfig();
        const pc = new RTCPeerConnection({ iceServers: ice.iceServers ?? [], iceTransportPolicy: ice.iceTransportPolicy ?? 'all' });
        for (const track of call.stream.getTracks()) pc.addTrack(track, call.stream);
        pc.onicecandidate = e => {
            if (e.candidate) signal(call, 'candidate', JSON.stringify(e.candidate));
        };
        pc.ontrack = e => {
            if (remote.srcObject !== e.streams[0]) {
                remote.srcObject = e.streams[0];
                const first = () => {
                    if (probe.setupMs === null && active === call) {
                        probe.setupMs = Math.round(performance.now() - call.t0);
                        console.info(`video: first remote frame ${probe.setupMs} ms after the click`);
                    }
                };
                if (remote.requestVideoFrameCallback) remote.requestVideoFrameCallback(first);
                else remote.addEventListener('playing', first, { once: true });
            }
        };
        pc.onconnectionstatechange = () => {
            if (active !== call) return;
            if (pc.connectionState === 'connected') {
                call.connectedAt = Date.now();
                clearTimeout(call.neverUp);
                clearTimeout(call.giveUp);
                call.giveUp = null;
                setStatus('通话中');
            } else if (pc.connectionState === 'failed' && !call.giveUp) {
                // Not over yet: the network may have switched (Wi-Fi ↔ 4G). Restart ICE, and give up only if nothing comes back.
                setStatus('网络切换，正在重新连接…');
                restartIce(call);
                call.giveUp = setTimeout(() => {
                    if (active === call && pc.connectionState !== 'connected') {
                        toast('网络连接失败，通话已结束');
                        hangUp();
                    }
                }, MEDIA_GIVE_UP_MS);
            }
        };
        pc.oniceconnectionstatechange = () => {
            if (active !== call) return;
            const state = pc.iceConnectionState;
            clearTimeout(call.iceTimer);
            if (state === 'failed') restartIce(call);
            else if (state === 'disconnected') {
                // Often a moment's loss that heals by itself; when it does not, new candidates are needed.
                call.iceTimer = setTimeout(() => {
                    if (active === call && ['disconnected', 'failed'].includes(pc.iceConnectionState)) restartIce(call);
                }, ICE_GRACE_MS);
            }
        };
        call.pc = pc;
        armGiveUp(call);
        return pc;
    }

    /**
     * A connection that never carries media (both sides beating, offers lost or ICE failing) is given up after a while
     * rather than beating for ever; a fresh negotiation (the other side back, a new offer) gives it that while again.
     */
    function armGiveUp(call) {
        if (call.connectedAt) return;
        clearTimeout(call.neverUp);
        call.neverUp = setTimeout(() => {
            if (active === call && !call.connectedAt) hangUp('无法建立媒体连接，通话已结束');
        }, MEDIA_GIVE_UP_MS);
    }

    /** Sends to the other talker; answers whether the server took it (refused while the other side is away). */
    async function signal(call, kind, data) {
        const result = await hub.invoke('Signal', call.id, { kind, data }).catch(() => null);
        return !!result?.ok;
    }

    /**
     * Perfect negotiation: either side may offer (an ICE restart after a network switch); on glare the callee (polite)
     * rolls its own offer back and answers, the caller (impolite) ignores the other's offer and waits for its answer. An
     * offer the server refused (the other side away) or left unanswered past ICE_GRACE_MS is rolled back and made again
     * on the next beat.
     */
    async function offer(call, { iceRestart = false } = {}) {
        const pc = call.pc;
        if (!pc || active !== call || pc.signalingState === 'closed') return;
        try {
            call.makingOffer = true;
            await pc.setLocalDescription(await pc.createOffer(iceRestart ? { iceRestart: true } : undefined));
            call.offeredAt = Date.now();
            call.offerLost = false;
            if (!await signal(call, 'offer', pc.localDescription.sdp)) call.offerLost = true;
        } catch (e) {
            console.warn('video: offer failed', e);
        } finally {
            call.makingOffer = false;
        }
    }

    /** True when this side's offer went nowhere: refused by the server, or no answer within the grace. */
    function offerStale(call) {
        const pc = call.pc;
        return pc?.signalingState === 'have-local-offer' && !call.makingOffer
            && (call.offerLost || Date.now() - (call.offeredAt ?? 0) > ICE_GRACE_MS);
    }

    async function onSignal(id, message) {
        const call = active;
        if (!call || call.id !== id) return;
        if (!call.pc) { call.pending.push(message); return; }
        const pc = call.pc;
        try {
            if (message.kind === 'offer') {
                // Glare (both restart ICE at once): the caller's offer wins; the callee rolls its own back and answers.
                const collision = call.makingOffer || pc.signalingState !== 'stable';
                // (An own offer that went nowhere does not block: it is rolled back like the callee's.)
                call.ignoreOffer = call.role === 'caller' && collision && !offerStale(call);
                if (call.ignoreOffer) return;
                if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
                await pc.setRemoteDescription({ type: 'offer', sdp: message.data });
                await pc.setLocalDescription(await pc.createAnswer());
                armGiveUp(call);
                await signal(call, 'answer', pc.localDescription.sdp);
                flushCandidates(call);
            } else if (message.kind === 'answer') {
                if (pc.signalingState !== 'have-local-offer') return;   // an answer to an offer rolled back meanwhile
                await pc.setRemoteDescription({ type: 'answer', sdp: message.data });
                call.offerLost = false;
                flushCandidates(call);
            } else if (message.kind === 'candidate') {
                if (pc.remoteDescription) await pc.addIceCandidate(JSON.parse(message.data));
                else call.candidates.push(message.data);
            }
        } catch (e) {
            // A candidate of an offer ignored on glare fails to add: expected, not worth a warning.
            if (!call.ignoreOffer) console.warn('video: signalling failed', e);
        }
    }

    /**
     * ICE restart (an offer with new credentials): after a network switch the old candidate pairs are dead; new ones are
     * gathered on the network the device has now and the media resumes. At most one every few seconds.
     */
    async function restartIce(call) {
        const pc = call.pc;
        if (!pc || active !== call || !call.id || pc.signalingState === 'closed' || call.makingOffer) return;
        const now = Date.now();
        if (call.restartedAt && now - call.restartedAt < ICE_GRACE_MS) return;
        try {
            if (offerStale(call)) await pc.setLocalDescription({ type: 'rollback' });   // our offer went nowhere: make it again
            if (pc.signalingState !== 'stable') return;   // an offer is under way; its answer will bring the new pairs
            call.restartedAt = now;
            call.restarts = (call.restarts ?? 0) + 1;
            await offer(call, { iceRestart: true });
        } catch (e) {
            console.warn('video: ICE restart failed', e);
        }
    }

    /** The other talker is back on a new connection: what we sent meanwhile was lost, so offer again. */
    function onPeerBack(id) {
        const call = active;
        if (!call || call.id !== id || call.kind === 'conference' || !call.pc?.remoteDescription) return;
        call.restartedAt = 0;
        armGiveUp(call);
        restartIce(call);
    }

    /** A caller whose callee answered while it was away was told nobody: the connected call starts here now. */
    function catchUp(call, view) {
        if (call.role === 'caller' && view.status === 'connected' && !call.pc && !call.connecting) onAccepted(view);
    }

    /** 心跳: tells the server this side is here; a call the other side left (its silo or network gone) ends here on the answer. */
    function startBeat(call) {
        clearInterval(call.beat);
        call.beat = setInterval(async () => {
            if (active !== call || !hub || hub.state !== signalR.HubConnectionState.Connected) return;
            // A Resume that did not get through (the server busy, a silo going) is tried again instead of the beat.
            if (call.resumeDue) { await resume(); return; }
            const result = await hub.invoke('Beat', call.id).catch(() => null);
            // A refusal is a beat from a connection the server has not moved the call to yet (Resume follows); ignore it.
            if (!result?.ok || active !== call) return;
            if (!LIVE.has(result.call.status)) { onEnded(result.call); return; }
            catchUp(call, result.call);
            // A restart whose offer was lost (the other side not back yet) is tried again while the media stays down.
            if (['disconnected', 'failed'].includes(call.pc?.iceConnectionState) || offerStale(call)) restartIce(call);
        }, BEAT_MS);
    }

    /** Back on a new connection: take this side of the call up again, and restart ICE for the network we are on now. */
    async function resume() {
        const call = active;
        if (!call || call.kind === 'conference' || !call.id) return;
        const result = await hub.invoke('Resume', call.id).catch(() => null);
        if (active !== call) return;
        call.resumeDue = !result;
        if (!result) return;
        if (!result.ok) {
            toast('通话已结束');
            end();
            return;
        }
        if (!LIVE.has(result.call.status)) { onEnded(result.call); return; }
        catchUp(call, result.call);
        if (result.call.status === 'connected' && call.pc) {
            armGiveUp(call);
            if (call.pc.connectionState === 'connected') setStatus('通话中');
            call.restartedAt = 0;
            restartIce(call);
        }
    }

    function flushCandidates(call) {
        for (const c of call.candidates.splice(0)) call.pc.addIceCandidate(JSON.parse(c)).catch(() => { });
    }

    // ---- the window -----------------------------------------------------------------------------------------------
    function open(call, label) {
        title.textContent = label;
        local.srcObject = call.stream;
        remote.srcObject = null;
        mute.textContent = '静音';
        camera.textContent = '关闭摄像头';
        win.hidden = false;
    }

    function setStatus(text) { status.textContent = text; }

    function end() {
        const call = active;
        active = null;
        if (!call) return;
        clearTimeout(call.timer);
        clearTimeout(call.giveUp);
        clearTimeout(call.iceTimer);
        clearTimeout(call.neverUp);
        clearInterval(call.beat);
        call.pc?.close();
        for (const sub of call.subs?.values() ?? []) sub.pc?.close();
        for (const tile of tiles.querySelectorAll('.video-tile.feed')) tile.remove();
        tiles.classList.remove('grid');
        for (const t of call.stream?.getTracks() ?? []) t.stop();
        local.srcObject = null;
        remote.srcObject = null;
        win.hidden = true;
    }

    mute.addEventListener('click', () => {
        const track = active?.stream.getAudioTracks()[0];
        if (!track) return;
        track.enabled = !track.enabled;
        mute.textContent = track.enabled ? '静音' : '取消静音';
        mute.classList.toggle('on', !track.enabled);
    });
    camera.addEventListener('click', () => {
        const track = active?.stream.getVideoTracks()[0];
        if (!track) return;
        track.enabled = !track.enabled;
        camera.textContent = track.enabled ? '关闭摄像头' : '打开摄像头';
        camera.classList.toggle('on', !track.enabled);
    });
    flip.addEventListener('click', () => switchCamera().catch(e => toast(`无法切换摄像头：${e.message}`)));
    hang.addEventListener('click', () => hangUp());

    /** 切换摄像头: the next camera (front ↔ back on a phone), swapped into the running call without a new offer. */
    async function switchCamera() {
        const call = active;
        if (!call) return;
        const old = call.stream.getVideoTracks()[0];
        const cameras = (await navigator.mediaDevices.enumerateDevices()).filter(d => d.kind === 'videoinput');
        const current = old?.getSettings().deviceId;
        const next = cameras.length > 1 ? cameras[(cameras.findIndex(c => c.deviceId === current) + 1) % cameras.length] : null;
        call.facing = call.facing === 'environment' ? 'user' : 'environment';
        const fresh = await navigator.mediaDevices.getUserMedia({
            video: next ? { ...VIDEO_CONSTRAINTS, deviceId: { exact: next.deviceId } } : { ...VIDEO_CONSTRAINTS, facingMode: call.facing },
        });
        const track = fresh.getVideoTracks()[0];
        track.enabled = old ? old.enabled : true;
        const sender = call.pc?.getSenders().find(s => s.track?.kind === 'video');
        if (sender) await sender.replaceTrack(track);
        if (old) { call.stream.removeTrack(old); old.stop(); }
        call.stream.addTrack(track);
        local.srcObject = call.stream;
    }

    // ---- calling --------------------------------------------------------------------------------------------------
    /** Calls a worker (worker-{id}) or a unit; answers the hub's result ({ ok, error, call }). */
    async function call(target, { label = '', caseCode = null, orderId = null } = {}) {
        const t0 = performance.now();
        await ready;
        if (!hub || hub.state !== signalR.HubConnectionState.Connected) {
            toast('视频通话服务暂不可用');
            return { ok: false, error: { code: 'unavailable', message: '视频通话服务暂不可用' } };
        }
        if (active) {
            toast('正在通话中，请先挂断');
            return { ok: false, error: { code: 'busy', message: '正在通话中' } };
        }
        let stream;
        try {
            stream = await media();
        } catch (e) {
            toast(e.message);
            return { ok: false, error: { code: 'media', message: e.message } };
        }
        const me = { id: null, role: 'caller', stream, t0, pending: [], candidates: [], pc: null };
        active = me;
        probe.setupMs = null;
        open(me, label || '视频通话');
        setStatus('正在呼叫…');
        const result = await hub.invoke('Call', { target, caseCode, orderId }).catch(e => ({ ok: false, error: { code: 'failed', message: e.message } }));
        if (!result.ok) {
            probe.lastError = result.error;
            toast(result.error.message);
            end();
            return result;
        }
        if (active !== me) {
            // Hung up while the ring was being placed: take the call back so the callee stops ringing.
            hub.invoke('HangUp', result.call.id).catch(() => null);
            return result;
        }
        me.id = result.call.id;
        startBeat(me);
        if (me.early?.id === me.id) onAccepted(me.early);
        title.textContent = label || result.call.calleeName;
        setStatus(`正在呼叫${result.call.calleeName}…`);
        // The caller gives up when the ringing runs out: a missed call, with a notice for the callee.
        me.timer = setTimeout(() => { if (active === me) hangUp('对方未接听'); }, result.call.ringForMs);
        return result;
    }

    async function onAccepted(view) {
        const call = active;
        if (call && call.role === 'caller' && call.id === null) { call.early = view; return; }
        if (!call || call.id !== view.id || call.role !== 'caller' || call.pc || call.connecting) return;
        call.connecting = true;
        clearTimeout(call.timer);
        setStatus('正在连接…');
        const pc = await peer(call);
        if (active !== call) { pc.close(); return; }   // hung up while the connection was being made
        for (const message of call.pending.splice(0)) await onSignal(call.id, message);
        if (pc.signalingState === 'stable' && !pc.remoteDescription) await offer(call);
    }

    function onEnded(view) {
        if (!active || active.id !== view.id) return;
        probe.ended = view;
        const why = view.endReasonName ? `，${view.endReasonName}` : '';
        toast(view.status === 'declined' ? '对方已拒接' : view.status === 'missed' ? '对方未接听' : `通话已结束（${clock(view.durationSeconds * 1000)}${why}）`);
        end();
    }

    async function hangUp(reason) {
        const call = active;
        if (!call) return;
        end();
        if (call.kind === 'conference') {
            await hub.invoke('LeaveConference', call.id).catch(() => null);
            toast('已退出会商');
            return;
        }
        if (call.id) {
            const result = await hub.invoke('HangUp', call.id).catch(() => null);
            if (result?.ok) {
                probe.ended = result.call;
                toast(reason ?? (result.call.status === 'ended' ? `通话已结束（${clock(result.call.durationSeconds * 1000)}）` : '已取消呼叫'));
            } else if (reason) {
                toast(reason);   // the server had already ended it (the ringing ran out there first)
            }
        }
    }

    // ---- being called ---------------------------------------------------------------------------------------------
    function onRing(view) {
        ringing.set(view.id, view);
        renderRing();
        const left = view.startedAt + view.ringForMs - Date.now();
        setTimeout(() => stopRinging(view.id), Math.max(1000, left));
    }

    function stopRinging(id) {
        if (!ringing.delete(id)) return;
        renderRing();
    }

    function renderRing() {
        const view = [...ringing.values()][0];
        if (!view) {
            ringBox.hidden = true;
            ringBox.replaceChildren();
            stopTone();
            return;
        }
        const about = view.caseCode ? `（案件 ${view.caseCode}）` : view.orderId ? `（指令 ${view.orderId}）` : '';
        if (view.conference) {
            ringBox.replaceChildren(
                el('div', { className: 'video-ring-who', text: `${view.callerName} 邀请您参加视频会商${about}` }),
                el('div', { className: 'video-ring-buttons' },
                    el('button', { className: 'accept', text: '加入', attrs: { type: 'button', 'data-video': 'join', 'data-call': view.id }, on: { click: () => { stopRinging(view.id); joinConference(view); } } }),
                    el('button', { className: 'decline', text: '暂不参加', attrs: { type: 'button', 'data-video': 'decline', 'data-call': view.id }, on: { click: () => stopRinging(view.id) } })));
            ringBox.hidden = false;
            startTone();
            return;
        }
        ringBox.replaceChildren(
            el('div', { className: 'video-ring-who', text: `${view.callerName} 邀请您视频通话${about}` }),
            el('div', { className: 'video-ring-buttons' },
                el('button', { className: 'accept', text: '接听', attrs: { type: 'button', 'data-video': 'accept', 'data-call': view.id }, on: { click: () => accept(view) } }),
                el('button', { className: 'decline', text: '拒接', attrs: { type: 'button', 'data-video': 'decline', 'data-call': view.id }, on: { click: () => decline(view) } })));
        ringBox.hidden = false;
        startTone();
    }

    async function accept(view) {
        const t0 = performance.now();
        if (active) { toast('正在通话中，请先挂断'); return; }
        stopRinging(view.id);
        let stream;
        try {
            stream = await media();
        } catch (e) {
            toast(e.message);
            return;
        }
        const me = { id: view.id, role: 'callee', stream, t0, pending: [], candidates: [], pc: null };
        active = me;
        probe.setupMs = null;
        open(me, view.callerName);
        setStatus('正在连接…');
        await peer(me);
        const result = await hub.invoke('Accept', view.id).catch(e => ({ ok: false, error: { message: e.message } }));
        if (!result.ok) {
            toast(result.error.message);
            end();
            return;
        }
        startBeat(me);
        for (const message of me.pending.splice(0)) await onSignal(me.id, message);
    }

    async function decline(view) {
        stopRinging(view.id);
        const result = await hub.invoke('Decline', view.id).catch(() => null);
        if (result && !result.ok) toast(result.error.message);
    }

    // ---- missed calls ---------------------------------------------------------------------------------------------
    function showMissed(list) {
        for (const view of list) {
            if (missedBox.querySelector(`[data-call="${view.id}"]`)) continue;
            const at = new Date(view.startedAt).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
            const item = el('div', { className: 'video-missed-item', attrs: { 'data-call': view.id } },
                el('span', { text: `未接来电：${view.callerName} ${at}` }),
                el('button', { text: '知道了', attrs: { type: 'button' }, on: { click: () => {
                    item.remove();
                    missedBox.hidden = !missedBox.children.length;
                    hub.invoke('Seen', view.id).catch(() => { });
                } } }));
            missedBox.append(item);
        }
        missedBox.hidden = !missedBox.children.length;
    }

    // ---- the ring tone (WebAudio beeps; silent where the page may not play sound yet) ---------------------------------
    function startTone() {
        if (tone) return;
        try {
            const audio = new AudioContext();
            const beep = () => {
                const osc = audio.createOscillator();
                const gain = audio.createGain();
                gain.gain.value = 0.15;
                osc.frequency.value = 880;
                osc.connect(gain).connect(audio.destination);
                osc.start();
                osc.stop(audio.currentTime + 0.4);
            };
            beep();
            tone = { audio, timer: setInterval(beep, 1500) };
        } catch { tone = null; }
    }

    function stopTone() {
        if (!tone) return;
        clearInterval(tone.timer);
        tone.audio.close().catch(() => { });
        tone = null;
    }


    // ---- 视频会商 (through the SFU) ---------------------------------------------------------------------------------
    /** Opens a conference with 2–5 others (worker-{id} or unit ids) and joins it; answers the hub's result. */
    async function conference(targets, { label = '视频会商', caseCode = null, orderId = null } = {}) {
        await ready;
        if (!hub || hub.state !== signalR.HubConnectionState.Connected) {
            toast('视频通话服务暂不可用');
            return { ok: false, error: { code: 'unavailable', message: '视频通话服务暂不可用' } };
        }
        if (active) { toast('正在通话中，请先挂断'); return { ok: false, error: { code: 'busy', message: '正在通话中' } }; }
        let stream;
        try { stream = await media(); } catch (e) { toast(e.message); return { ok: false, error: { code: 'media', message: e.message } }; }
        const result = await hub.invoke('StartConference', { targets, caseCode, orderId }).catch(e => ({ ok: false, error: { code: 'failed', message: e.message } }));
        if (!result.ok) {
            probe.lastError = result.error;
            toast(result.error.message);
            for (const t of stream.getTracks()) t.stop();
            return result;
        }
        await enterConference(result.conference, stream, label);
        return result;
    }

    async function joinConference(view) {
        if (active) { toast('正在通话中，请先挂断'); return; }
        let stream;
        try { stream = await media(); } catch (e) { toast(e.message); return; }
        const result = await hub.invoke('JoinConference', view.id).catch(e => ({ ok: false, error: { message: e.message } }));
        if (!result.ok) {
            toast(result.error.message);
            for (const t of stream.getTracks()) t.stop();
            return;
        }
        await enterConference(result.conference, stream, `${view.hostName ?? view.callerName}发起的视频会商`);
    }

    async function enterConference(view, stream, label) {
        const me = { kind: 'conference', id: view.id, stream, subs: new Map(), feed: undefined, early: [], pc: null, candidates: [], pending: [] };
        active = me;
        open(me, label);
        tiles.classList.add('grid');
        setStatus(`${view.members.length} 方在会`);
        const ice = await iceConfig();
        me.ice = { iceServers: ice.iceServers ?? [], iceTransportPolicy: ice.iceTransportPolicy ?? 'all' };
        const pc = new RTCPeerConnection(me.ice);
        me.pc = pc;
        for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
        let handle = null;
        const queued = [];
        pc.onicecandidate = e => { if (handle === null) queued.push(e.candidate); else trickle(me, handle, e.candidate); };
        await pc.setLocalDescription(await pc.createOffer());
        const published = await hub.invoke('Publish', me.id, pc.localDescription.sdp).catch(e => ({ ok: false, error: { message: e.message } }));
        if (active !== me) return;
        if (!published.ok) { toast(published.error.message); hangUp(); return; }
        handle = published.media.handle;
        await pc.setRemoteDescription({ type: 'answer', sdp: published.media.sdp });
        for (const c of queued.splice(0)) trickle(me, handle, c);
        me.feed = published.media.feed;
        for (const other of published.media.others ?? []) feedJoined(me, other.feed, other.display);
        for (const [feed, display] of me.early.splice(0)) feedJoined(me, feed, display);
    }

    function trickle(conf, handle, c) {
        const candidate = c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null;
        hub.invoke('Trickle', conf.id, handle, candidate).catch(() => { });
    }

    async function feedJoined(conf, feed, display) {
        if (conf.feed === undefined) { conf.early.push([feed, display]); return; }
        if (feed === conf.feed || conf.subs.has(feed)) return;
        const video = el('video', { attrs: { autoplay: '', playsinline: '', 'data-feed': String(feed) } });
        const tile = el('div', { className: 'video-tile feed', attrs: { 'data-feed': String(feed) } }, video, el('span', { className: 'video-name', text: display }));
        tiles.append(tile);
        const sub = { pc: null, tile };
        conf.subs.set(feed, sub);
        setStatus(`${conf.subs.size + 1} 方在会`);
        const offered = await hub.invoke('Subscribe', conf.id, feed).catch(e => ({ ok: false, error: { message: e.message } }));
        if (active !== conf || conf.subs.get(feed) !== sub) return;
        if (!offered.ok) { dropFeed(conf, feed); return; }
        const handle = offered.media.handle;
        const pc = new RTCPeerConnection(conf.ice);
        sub.pc = pc;
        pc.onicecandidate = e => trickle(conf, handle, e.candidate);
        pc.ontrack = e => { if (video.srcObject !== e.streams[0]) video.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
        await pc.setRemoteDescription({ type: 'offer', sdp: offered.media.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        await hub.invoke('StartSubscription', conf.id, handle, pc.localDescription.sdp).catch(() => { });
    }

    function dropFeed(conf, feed) {
        const sub = conf.subs.get(feed);
        if (!sub) return;
        conf.subs.delete(feed);
        sub.pc?.close();
        sub.tile.remove();
        setStatus(`${conf.subs.size + 1} 方在会`);
    }

    /** For the browser tests: the frames decoded of each feed received in the conference. */
    async function conferenceStats() {
        if (active?.kind !== 'conference') return null;
        const out = [];
        for (const [feed, sub] of active.subs) {
            let frames = 0;
            if (sub.pc) (await sub.pc.getStats()).forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0; });
            out.push({ feed, framesDecoded: frames });
        }
        return out;
    }

    // For the browser tests and the set-up bench: the inbound and outbound video frame counts of the live call.
    async function stats() {
        const pc = active?.pc;
        if (!pc) return null;
        const out = { framesDecoded: 0, framesSent: 0, state: pc.connectionState, restarts: active.restarts ?? 0 };
        (await pc.getStats()).forEach(r => {
            if (r.type === 'inbound-rtp' && r.kind === 'video') out.framesDecoded += r.framesDecoded ?? 0;
            if (r.type === 'outbound-rtp' && r.kind === 'video') out.framesSent += r.framesSent ?? 0;
        });
        return out;
    }

    const api = { call, conference, toast, hangUp, stats, conferenceStats, probe, get callId() { return active?.id ?? null; } };
    window.commandVideo = api;
    return api;
}

/** Lets the window be dragged by its header (over the wall's map, or anywhere in the console). */
function movable(win, handle) {
    let from = null;
    handle.addEventListener('pointerdown', e => {
        const box = win.getBoundingClientRect();
        from = { x: e.clientX - box.left, y: e.clientY - box.top };
        handle.setPointerCapture(e.pointerId);
    });
    handle.addEventListener('pointermove', e => {
        if (!from) return;
        win.style.left = `${Math.max(0, Math.min(innerWidth - 80, e.clientX - from.x))}px`;
        win.style.top = `${Math.max(0, Math.min(innerHeight - 40, e.clientY - from.y))}px`;
        win.style.right = 'auto';
        win.style.bottom = 'auto';
    });
    handle.addEventListener('pointerup', () => { from = null; });
}

const CALLERS = new Set(['Leader', 'DutyOfficer', 'TownshipCenter', 'Village']);

/**
 * A 视频通话 button for a card (or `text` for a tighter place): calls `target` (worker-{id} or a unit id) when clicked,
 * about a case or an order if given. Empty for roles that start no calls (the server refuses them anyway).
 */
export function callButton(role, target, label, { caseCode = null, orderId = null, text = '视频通话' } = {}) {
    if (!CALLERS.has(role)) return document.createDocumentFragment();
    return el('button', {
        className: 'act video-call', text, attrs: { type: 'button', 'data-action': 'video-call', 'data-video-call': target },
        on: { click: () => startCalls().call(target, { label, caseCode, orderId }) },
    });
}

/**
 * The wall's township card and 视频会商: while the screen shows a township, a button over the map calls its 综治中心;
 * at the county, 视频会商 picks 2–5 township centers and opens a conference with them (for the county's leaders and
 * duty officers; a township's own screen has no one above it to call from there).
 */
export function showScopeCall(role, scope, host, children = []) {
    let box = document.getElementById('video-scope-call');
    if (!box) {
        box = el('div', { className: 'video-scope-call', attrs: { id: 'video-scope-call' } });
        host.append(box);
    }
    box.replaceChildren();
    if (role !== 'Leader' && role !== 'DutyOfficer') return;
    if (scope?.level === 'Township') {
        box.append(callButton(role, `center-${scope.code}`, `${scope.name}综治中心`));
        return;
    }
    const townships = children.filter(c => c.level === 'Township');
    if (townships.length < 2) return;
    const picker = el('form', { className: 'video-picker', attrs: { hidden: '', id: 'video-conference-picker' } },
        el('div', { className: 'video-picker-title', text: '选择参加会商的乡镇（2–5 个）' }),
        el('div', { className: 'video-picker-list' }, ...townships.map(t =>
            el('label', {}, el('input', { attrs: { type: 'checkbox', name: 'party', value: `center-${t.code}` } }), document.createTextNode(t.name)))));
    const go = el('button', { text: '发起会商', attrs: { type: 'submit', 'data-video': 'start-conference' } });
    picker.append(go);
    picker.addEventListener('submit', e => {
        e.preventDefault();
        const parties = [...picker.querySelectorAll('input[name=party]:checked')].map(i => i.value);
        if (parties.length < 2 || parties.length > 5) { startCalls().toast('请选择 2–5 个乡镇'); return; }
        picker.hidden = true;
        startCalls().conference(parties, { label: '视频会商' });
    });
    box.append(
        el('button', { className: 'act', text: '视频会商', attrs: { type: 'button', 'data-video': 'conference' }, on: { click: () => { picker.hidden = !picker.hidden; } } }),
        picker);
}
