// The console's few browser-side duties: a short beep made with WebAudio (no sound file), a browser notification,
// and attachment uploads through the attachments API (the sign-in cookie, and the header our own pages send).

let audio = null;

function beep() {
  try {
    audio ??= new AudioContext();
    const start = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.18, 1175]]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = 'sine';
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.15);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.16);
    }
  } catch {
    // No audio device: the badge and the notification still tell.
  }
}

export function alertsOn() {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** Asked from a click: browsers allow sound and the permission prompt only after a gesture. */
export async function enableAlerts() {
  audio ??= new AudioContext();
  await audio.resume?.();
  beep();
  if (typeof Notification === 'undefined') {
    return false;
  }
  if (Notification.permission === 'default') {
    await Notification.requestPermission();
  }
  return Notification.permission === 'granted';
}

/** A new task: a beep, and a notification when allowed (clicking it brings the console to the front). */
export function ring(title, body) {
  beep();
  document.documentElement.dataset.rang = String(Number(document.documentElement.dataset.rang ?? 0) + 1);
  if (alertsOn()) {
    const note = new Notification(title, { body, tag: 'command-inbox' });
    note.onclick = () => window.focus();
  }
}

/**
 * Uploads the files chosen in an <input type=file> to a case; answers the stored attachments, or throws with the
 * server's Chinese reason.
 */
export function upload(input, code) {
  return uploadTo(input, `/api/cases/${encodeURIComponent(code)}/attachments`, '附件');
}

/**
 * Uploads the files of an <input type=file> one by one to `url` (multipart, field `file`) and empties it; answers what
 * the server stored, or throws with its Chinese reason naming the file (`what`: 附件, 照片).
 */
export async function uploadTo(input, url, what) {
  const stored = [];
  for (const file of input?.files ?? []) {
    const form = new FormData();
    form.append('file', file, file.name);
    const response = await fetch(url, { method: 'POST', body: form, headers: { 'X-Command-Csrf': '1' }, credentials: 'same-origin' });
    if (!response.ok) {
      let reason = `${what}「${file.name}」上传失败（${response.status}）`;
      try {
        const problem = await response.json();
        reason = problem.detail ?? problem.title ?? reason;
      } catch {
      }
      throw new Error(reason);
    }
    stored.push(await response.json());
  }
  if (input) {
    input.value = '';
  }
  return stored;
}

/** The case's attachments as the case API lists them (empty until attachments are served). */
export async function attachments(code) {
  const response = await fetch(`/api/cases/${encodeURIComponent(code)}`, { credentials: 'same-origin' });
  if (!response.ok) {
    return [];
  }
  const view = await response.json();
  return (view.attachments ?? []).map(a => ({ name: a.name, url: a.url, contentType: a.contentType, size: a.size }));
}

/** The same, for the file input with this id. */
export function uploadById(id, code) {
  return upload(document.getElementById(id), code);
}
