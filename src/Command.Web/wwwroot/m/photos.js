// Photos are made small on the phone (canvas → JPEG, longest side 1600 px) before they wait in the outbox or travel.
// Recompressing drops EXIF, so the GPS a camera wrote is read first and kept beside the photo.
import { gps } from '/_content/Command.Web/lib/exifr-lite.esm.js';

const MAX_SIDE = 1600;

/** { blob, name, where: {lat, lon} | null, url } for one picked file. */
export async function prepare(file) {
    let where = null;
    try {
        const g = await gps(file);
        if (g && Number.isFinite(g.latitude) && Number.isFinite(g.longitude)) where = { lat: g.latitude, lon: g.longitude };
    } catch { /* no EXIF: fine */ }

    let blob = file;
    try {
        const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
        const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        const canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(bitmap.width * scale));
        canvas.height = Math.max(1, Math.round(bitmap.height * scale));
        const g = canvas.getContext('2d');
        g.fillStyle = '#fff';
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        bitmap.close?.();
        blob = await new Promise((resolve, reject) => canvas.toBlob(b => b ? resolve(b) : reject(new Error('toBlob')), 'image/jpeg', 0.82));
    } catch { /* not decodable here: send as picked, the server checks the type */ }

    const base = (file.name || 'photo').replace(/\.[^.]*$/, '') || 'photo';
    return { blob, name: `${base}.jpg`, where, url: URL.createObjectURL(blob) };
}

/** Prepares every picked file and shows thumbnails; answers the prepared photos. */
export async function prepareAll(input, thumbs) {
    thumbs.replaceChildren();
    const photos = [];
    for (const file of input.files || []) {
        const photo = await prepare(file);
        photos.push(photo);
        const img = document.createElement('img');
        img.src = photo.url;
        img.alt = '照片';
        thumbs.append(img);
    }

    return photos;
}

/** The photos as the outbox stores them (Blobs keep in IndexedDB; object URLs do not). */
export const storable = photos => photos.map(p => ({ blob: p.blob, name: p.name }));
