// 调度指令 at the console: files go up first and the order or report names them. An issuer's attachments go to the
// order-draft route (the order takes them when issued); photos for a report back to the order's photo route.
import { uploadTo } from './console.js';
import { leaflet, drawArea } from './casemap.js';

/** Uploads the files of the <input type=file> with this id to the order; answers the stored photos or throws the Chinese reason. */
export function uploadPhotos(inputId, orderId) {
  return uploadTo(document.getElementById(inputId), `/api/orders/${encodeURIComponent(orderId)}/photos`, '照片');
}

/** Uploads the files of the <input type=file> with this id as attachments of the order about to be issued. */
export function uploadAttachments(inputId) {
  return uploadTo(document.getElementById(inputId), '/api/orders/attachments', '附件');
}

/**
 * Draws an order's place into the element with this id: the view set on the point first, then the boundaries of the
 * viewer's area around it and the point on top (boundaries added to a map without a view fail in Leaflet's canvas).
 */
export async function showPlace(id, lat, lon, region) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  const L = await leaflet();
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25 }).setView([lat, lon], 13);
  const response = await fetch(`/api/regions/${encodeURIComponent(region)}/boundaries`, { credentials: 'same-origin' });
  if (response.ok) {
    drawArea(L, map, await response.json());
  }
  L.circleMarker([lat, lon], { radius: 8, color: '#fff', weight: 2, fillColor: '#ff4d4f', fillOpacity: 1 }).bindTooltip('指令位置').addTo(map);
  element.dataset.ready = 'true';
}

// The place picker's marker, by map element id: cleared when the order is issued or its place cleared.
const pickers = new Map();

/**
 * The map of the issue form: the boundaries of the issuer's area; a click puts one marker there and tells the page the
 * point (its Picked method). clearPick removes the marker.
 */
export async function pickPlace(id, region, page) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  const L = await leaflet();
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25 }).setView([40.38, 111.82], 10);
  const response = await fetch(`/api/regions/${encodeURIComponent(region)}/boundaries`, { credentials: 'same-origin' });
  if (response.ok) {
    const layer = drawArea(L, map, await response.json());
    if (layer) {
      map.fitBounds(layer.getBounds());
    }
  }
  const picker = { marker: null };
  pickers.set(id, picker);
  map.on('click', async (event) => {
    const { lat, lng } = event.latlng;
    picker.marker ??= L.circleMarker([lat, lng], { radius: 8, color: '#fff', weight: 2, fillColor: '#ff4d4f', fillOpacity: 1 }).addTo(map);
    picker.marker.setLatLng([lat, lng]);
    await page.invokeMethodAsync('Picked', lat, lng);
  });
  element.dataset.ready = 'true';
}

/** Removes the picked place's marker from the picker map with this id. */
export function clearPick(id) {
  const picker = pickers.get(id);
  picker?.marker?.remove();
  if (picker) {
    picker.marker = null;
  }
}
