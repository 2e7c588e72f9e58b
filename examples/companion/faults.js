// What the status record's error, warning and ambient bits and the end-of-heat reasons mean, in plain
// words. The sentences follow the app wording of docs/faults.md "Names and what an app shows"; the
// bits are those of the IQOS wire protocol spec §3.5 (docs/protocol.md in the iqsim repository).

/** The app's sentence per fault id (docs/faults.md "Names and what an app shows"). */
export const FAULT_WORDS = {
  'F-01': 'It is too cold or too hot to use your device here. Move somewhere warmer or cooler.',
  'F-02': 'Your holder overheated and stopped. Let it cool down, then reset it.',
  'F-03': 'Your holder could not heat. Reset it; if this happens again, contact customer care.',
  'F-04': 'The session stopped because the heater misbehaved. Try again with a new stick.',
  'F-05': 'Your holder ran out of battery. Put it back in the charger.',
  'F-06': 'The last session flagged an unusual heater duty cycle (nothing to do).',
  'F-07': 'You puffed faster than usual; the session may end early.',
  'F-08': 'Your holder has a fault. Reset it; if the light stays red, contact customer care.',
  'F-09': 'Your holder is not charging properly. Reset the device or contact customer care.',
  'F-10': 'This holder is not recognised. Use a genuine holder made for this charger.',
  'F-11': 'Your holder is not making contact with the charger. Clean the contacts and reinsert it.',
  'F-12': 'Your holder battery is wearing out; it will hold fewer sessions.',
  'F-13': 'Your holder and charger need an update to work together.',
  'F-14': 'The app cannot reach your holder. Put it in the charger and try again.',
  'F-15': 'Your charger has a fault. Reset it; if the light stays red, contact customer care.',
  'F-18': 'Your charger battery is low. Plug it in.',
  'F-28': 'Charging is paused because the device is too hot. Let it cool down.',
};

/** End-of-heat reasons 2–10 (§3.5) as the end of a sentence "The session …". */
const END_REASONS = {
  2: 'ended: its time was up',
  3: 'was stopped (stick removed, button pressed or holder put back)',
  4: 'stopped: the heater overheated',
  5: 'stopped: the heater could not heat',
  6: 'stopped: the battery ran out',
  7: 'stopped: the device found a fault',
  8: 'ended: all puffs were taken',
  9: 'stopped: it is too hot here',
  10: 'stopped: the heater misbehaved',
};

export function endReasonText(reason) {
  return END_REASONS[reason] ?? 'ended';
}

/** The fault a holder error names, read with the end-of-heat reason that raised it (§3.5). */
const HEATER_FAULTS = { 4: 'F-02', 5: 'F-03', 10: 'F-04' };

/**
 * The problems a status record reports, most serious first: `{ id, text }` with a docs/faults.md id,
 * or an `id` of the form `bit:…` for a bit no fault id covers.
 */
export function problemsOf(status, onePiece) {
  const out = [];
  // One-piece units have no separate holder: the heating part is the device (docs/device.md §13).
  const add = (id, text = FAULT_WORDS[id]) => {
    const words = onePiece ? text.replace('Your holder', 'Your device') : text;
    if (!out.some((p) => p.id === id)) out.push({ id, text: words });
  };
  if (status.holderErrors & 0x01 || status.holderDefect) add(HEATER_FAULTS[status.endReason] ?? 'F-08');
  if (status.holderErrors & 0x02) add('F-09');
  if (status.holderErrors & 0x04) add('F-28');
  if (status.holderErrors & 0x08) add('F-10');
  if (status.chargerErrors || status.chargerDefect) add('F-15');
  if (status.ambient === 1 || status.ambient === 2) add('F-01');
  if (!onePiece && status.holderState >= 1 && status.holderState <= 5 && status.holderContact) add('F-11');
  if (status.holderWarnings & 0x01) add('F-14');
  if (status.holderWarnings & 0x02)
    add(
      'bit:null-charging-count',
      'Your holder reports that it has never been charged. Charge it fully once.',
    );
  if (status.holderWarnings & 0x04) add('F-13');
  if (status.holderWarnings & 0x08) add('F-12');
  if (status.chargerLow) add('F-18');
  if (status.intensivePuffing) add('F-07');
  if (status.dutyCycle) add('F-06');
  return out;
}
