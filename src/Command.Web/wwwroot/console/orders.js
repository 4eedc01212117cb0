// 调度指令 at the console: files go up first and the order or report names them. An issuer's attachments go to the
// order-draft route (the order takes them when issued); photos for a report back to the order's photo route.
import { uploadTo } from './console.js';

/** Uploads the files of the <input type=file> with this id to the order; answers the stored photos or throws the Chinese reason. */
export function uploadPhotos(inputId, orderId) {
  return uploadTo(document.getElementById(inputId), `/api/orders/${encodeURIComponent(orderId)}/photos`, '照片');
}

/** Uploads the files of the <input type=file> with this id as attachments of the order about to be issued. */
export function uploadAttachments(inputId) {
  return uploadTo(document.getElementById(inputId), '/api/orders/attachments', '附件');
}
