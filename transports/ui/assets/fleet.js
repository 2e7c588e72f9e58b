/**
 * The fleet panel (docs/ui.md "A fleet"): the fleet's figures and its devices a page at a time, each
 * with a Show button that opens it in the device panels below. Polled once a second.
 */
import { renderFleetSummary } from './panels.js';

const PAGE = 20;

export function createFleetPanel({ api, $, open }) {
  let offset = 0;
  let total = 0;
  let current;

  const row = (d) => {
    const tr = document.createElement('tr');
    tr.dataset.id = d.id;
    tr.classList.toggle('current', d.id === current);
    for (const text of [d.id, d.model, d.holder, d.charger]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    }
    const td = document.createElement('td');
    const show = document.createElement('button');
    show.type = 'button';
    show.textContent = 'Show';
    show.setAttribute('aria-label', `Show device ${d.id}`);
    show.addEventListener('click', () => {
      current = d.id;
      for (const other of $('fleet-page').children)
        other.classList.toggle('current', other.dataset.id === current);
      open(d.id);
    });
    td.appendChild(show);
    tr.appendChild(td);
    return tr;
  };

  const refresh = async () => {
    const [summary, page] = await Promise.all([
      api('/api/fleet'),
      api(`/api/fleet/devices?offset=${offset}&limit=${PAGE}`),
    ]);
    renderFleetSummary($('fleet-summary'), summary);
    total = page.total;
    $('fleet-page').replaceChildren(...page.devices.map(row));
    const last = Math.min(total, offset + page.devices.length);
    $('fleet-range').textContent = total === 0 ? 'No devices' : `${offset + 1}–${last} of ${total}`;
    $('fleet-prev').disabled = offset === 0;
    $('fleet-next').disabled = offset + PAGE >= total;
  };

  const move = (by) => {
    offset = Math.max(0, Math.min(offset + by, Math.max(0, total - 1)));
    refresh();
  };
  $('fleet-prev').addEventListener('click', () => move(-PAGE));
  $('fleet-next').addEventListener('click', () => move(PAGE));
  return { refresh };
}
