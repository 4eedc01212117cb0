// 调度指令 at the console: photos for a report back go to the order's photo route first; the report names them.
import { uploadTo } from './console.js';

/** Uploads the files of the <input type=file> with this id to the order; answers the stored photos or throws the Chinese reason. */
export function uploadPhotos(inputId, orderId) {
  return uploadTo(document.getElementById(inputId), `/api/orders/${encodeURIComponent(orderId)}/photos`, '照片');
}
