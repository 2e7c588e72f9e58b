/**
 * The device drawn as inline SVG: the charger (or a one-piece unit) and the holder, docked in it or
 * beside it, with a stick when one is in, the heater's glow and each unit's lights as the firmware
 * reports them (docs/device.md §3.2: pattern, colour, count; blink and pulse are CSS animations).
 * Each lights group carries `data-light` ("pulse white 1"), what the tests read.
 */

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = {
  white: '#ffffff',
  green: '#35c759',
  orange: '#ff9f0a',
  red: '#ff453a',
  yellow: '#ffd60a',
};
const OFF = '#5a6069';

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

/** Sets an attribute only when it changes: the drawing updates ten times a second, mostly unchanged. */
function set(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** A light in words, as `iqsim run` prints it: `off`, `steady white ×2`. */
export function lightText(light) {
  if (light.pattern === 'off' || light.colour === 'none') return 'off';
  return `${light.pattern} ${light.colour}${light.count > 1 ? ` ×${light.count}` : ''}`;
}

/** Lights `count` of the dots in `group` (all when the count is 0 but the pattern is on). */
function paintLights(group, dots, light) {
  const on = light.pattern !== 'off' && light.colour !== 'none';
  const lit = on ? (light.count > 0 ? Math.min(light.count, dots.length) : dots.length) : 0;
  set(group, 'data-light', `${light.pattern} ${light.colour} ${light.count}`);
  set(group, 'class', `lights ${on ? light.pattern : 'off'}`);
  dots.forEach((dot, i) => {
    set(dot, 'fill', i < lit ? (COLOURS[light.colour] ?? OFF) : OFF);
    set(dot, 'class', i < lit ? 'dot lit' : 'dot');
  });
}

/** Builds the drawing in `figure`; returns `update(view)`. */
export function createDrawing(figure) {
  figure.replaceChildren();
  const svg = el('svg', {
    viewBox: '0 0 340 242',
    role: 'img',
    'aria-labelledby': 'drawing-title drawing-desc',
    class: 'drawing',
  });
  el('title', { id: 'drawing-title' }, svg).textContent = 'The device as it is now';
  const desc = el('desc', { id: 'drawing-desc' }, svg);
  figure.appendChild(svg);
  const caption = document.createElement('figcaption');
  figure.appendChild(caption);

  const charger = el('g', { id: 'charger' }, svg);
  const chargerBody = el('rect', { x: 30, y: 60, width: 130, height: 150, rx: 22, class: 'body' }, charger);
  const chargerLabel = el('text', { x: 95, y: 226, 'text-anchor': 'middle', class: 'label' }, charger);
  chargerLabel.textContent = 'Charger';
  const chargerLights = el('g', { id: 'charger-lights' }, charger);
  const chargerDots = [0, 1, 2, 3].map((i) =>
    el('circle', { cx: 140, cy: 180 - i * 22, r: 6 }, chargerLights),
  );

  const holder = el('g', { id: 'holder' }, svg);
  const stick = el('g', { id: 'stick' }, holder);
  el('rect', { x: 6, y: -34, width: 20, height: 44, rx: 3, class: 'stick' }, stick);
  el('rect', { x: 6, y: -34, width: 20, height: 14, rx: 3, class: 'filter' }, stick);
  el('rect', { x: 0, y: 0, width: 32, height: 170, rx: 14, class: 'body holder' }, holder);
  const glow = el('rect', { x: 4, y: 4, width: 24, height: 26, rx: 10, class: 'glow' }, holder);
  const holderLights = el('g', { id: 'holder-lights' }, holder);
  const holderDots = [0, 1].map((i) => el('circle', { cx: 16, cy: 60 + i * 20, r: 5 }, holderLights));
  const holderLabel = el('text', { 'text-anchor': 'middle', class: 'label' }, svg);
  holderLabel.textContent = 'Holder';

  return function update(view) {
    const onePiece = view.onePiece;
    const docked = view.holder.docked && !onePiece;
    // Docked: in the charger's slot, its tip above the case; out: standing beside it.
    const holderX = onePiece ? 150 : docked ? 52 : 232;
    const holderY = docked ? 30 : 46;
    set(holder, 'transform', `translate(${holderX} ${holderY})`);
    set(holderLabel, 'x', String(holderX + 16));
    set(holderLabel, 'y', String(docked ? 20 : 232));
    set(holderLabel, 'visibility', docked ? 'hidden' : 'visible');
    set(charger, 'visibility', onePiece ? 'hidden' : 'visible');
    set(chargerBody, 'class', view.charger.chargingHolder ? 'body charging' : 'body');
    set(stick, 'visibility', view.holder.stickInserted ? 'visible' : 'hidden');
    // Heater glow: transparent at room temperature, full at 350 °C.
    const heat = Math.max(0, Math.min(1, (view.heater.tempC - 40) / 310));
    set(glow, 'opacity', heat.toFixed(2));
    // A one-piece unit shows its main-unit lights on the holder body.
    paintLights(holderLights, holderDots, view.holder.light);
    paintLights(chargerLights, chargerDots, view.charger.light);
    const words = onePiece
      ? `${view.displayName}, one piece: lights ${lightText(view.holder.light)}`
      : `${view.displayName}: holder ${docked ? 'in the charger' : 'out of the charger'}${view.holder.stickInserted ? ' with a stick' : ''}, holder lights ${lightText(view.holder.light)}, charger lights ${lightText(view.charger.light)}`;
    const described = `${words}; heater ${view.heater.tempC.toFixed(0)} °C.`;
    if (desc.textContent !== described) desc.textContent = described;
    if (caption.textContent !== words) caption.textContent = words;
  };
}
