// A small map of one place, drawn without tiles (none exist offline): the boundaries of the area around it, from the
// regions API, and the point itself. Leaflet is loaded once, from the vendored copy.

let loading = null;

export function leaflet() {
  if (window.L) {
    return Promise.resolve(window.L);
  }
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/_content/Command.Web/lib/leaflet.js';
    script.onload = () => resolve(window.L);
    script.onerror = () => reject(new Error('地图组件载入失败'));
    document.head.appendChild(script);
  });
  return loading;
}

async function boundaries(region) {
  const response = await fetch(`/api/regions/${encodeURIComponent(region)}/boundaries`, { credentials: 'same-origin' });
  return response.ok ? response.json() : null;
}

export function drawArea(L, map, geojson, highlight) {
  const marked = (feature) => highlight && highlight.startsWith(feature.properties?.code ?? '\u0000');
  const layer = L.geoJSON(geojson, {
    style: (feature) => marked(feature)
      ? { color: '#ffd27f', weight: 2, fillColor: '#ffd27f', fillOpacity: 0.25 }
      : { color: '#2a6fc9', weight: 1, fillColor: '#0d3b7a', fillOpacity: 0.35 },
    onEachFeature: (feature, shape) => {
      const name = feature.properties?.name;
      if (name) {
        shape.bindTooltip(document.createTextNode(name), { sticky: true });   // as text: Leaflet writes a string as HTML
      }
    },
  }).addTo(map);
  return layer;
}

/** Draws the case's area and point into the element with this id. */
export async function show(id, lat, lon, region, highlight) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  const L = await leaflet();
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  const area = await boundaries(region);
  const layer = area ? drawArea(L, map, area, highlight) : null;
  if (lat != null && lon != null) {
    L.circleMarker([lat, lon], { radius: 8, color: '#fff', weight: 2, fillColor: '#ff4d4f', fillOpacity: 1 }).addTo(map);
    map.setView([lat, lon], 14);
  } else if (layer) {
    // No point: the area the case is known by (its grid or region) is outlined.
    const own = layer.getLayers().find(l => highlight && highlight.startsWith(l.feature?.properties?.code ?? '\u0000'));
    map.fitBounds((own ?? layer).getBounds());
  } else {
    element.textContent = '没有位置信息';
  }
  element.dataset.ready = 'true';
}

/**
 * A map to pick a place on: clicking it tells the page the point (the page finds the grid). Shows the boundaries of
 * the region and keeps one marker where the user clicked.
 */
export async function pick(id, region, page) {
  const element = document.getElementById(id);
  if (!element) {
    return;
  }
  const L = await leaflet();
  const map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
  const area = await boundaries(region);
  const layer = area ? drawArea(L, map, area) : null;
  if (layer) {
    map.fitBounds(layer.getBounds());
  } else {
    map.setView([40.38, 111.82], 10);
  }
  let marker = null;
  map.on('click', async (event) => {
    const { lat, lng } = event.latlng;
    marker ??= L.circleMarker([lat, lng], { radius: 8, color: '#fff', weight: 2, fillColor: '#ff4d4f', fillOpacity: 1 }).addTo(map);
    marker.setLatLng([lat, lng]);
    await page.invokeMethodAsync('Picked', lat, lng);
  });
  element.dataset.ready = 'true';
}
