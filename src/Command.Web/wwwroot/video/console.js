// The console's calls: it rings for the desk's unit, shows the call as a panel, and any element with
// data-video-call="{worker-id or unit id}" (data-label, data-case or data-order) calls that party when clicked.
import { startCalls } from './call.js';

const calls = startCalls({ mode: 'console' });
document.addEventListener('click', e => {
    const button = e.target.closest('[data-video-call]');
    if (!button) return;
    e.preventDefault();
    calls.call(button.dataset.videoCall, { label: button.dataset.label ?? '', caseCode: button.dataset.case || null, orderId: button.dataset.order || null });
});
