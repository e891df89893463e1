// A slot's time is held by one `slotClaims` document per 5-minute cell of it, named
// `{subscriberId}_{cell}` and written with create() in the same atomic write as the slot. Two
// bookings that overlap share a cell, so the second write fails cleanly with ALREADY_EXISTS: a
// 409, never a transaction retry storm when many guests race for one time (DESIGN: contention).
// The names sort by time, so a host's held time in a range is one range read by document name,
// with no composite index.

export const CELL_MINUTES = 5;
const CELL_MS = CELL_MINUTES * 60_000;

export class UnalignedSlot extends RangeError {
  constructor(start: Date, end: Date) {
    super(`slot ${start.toISOString()}–${end.toISOString()} does not start and end on ${CELL_MINUTES}-minute boundaries`);
    this.name = 'UnalignedSlot';
  }
}

/** The cell number, zero-padded so that document names sort in time order. */
function cellName(subscriberId: string, cell: number): string {
  return `${subscriberId}_${String(cell).padStart(9, '0')}`;
}

export function claimIdsFor(subscriberId: string, start: Date, end: Date): string[] {
  if (start.getTime() % CELL_MS !== 0 || end.getTime() % CELL_MS !== 0 || end <= start) throw new UnalignedSlot(start, end);
  const ids: string[] = [];
  for (let cell = start.getTime() / CELL_MS; cell < end.getTime() / CELL_MS; cell += 1) ids.push(cellName(subscriberId, cell));
  return ids;
}

/** The cells touching [start, end), for times that need not fall on cell boundaries (a move in Google). */
export function claimIdsCovering(subscriberId: string, start: Date, end: Date): string[] {
  const from = Math.floor(start.getTime() / CELL_MS) * CELL_MS;
  const to = Math.max(Math.ceil(end.getTime() / CELL_MS) * CELL_MS, from + CELL_MS);
  return claimIdsFor(subscriberId, new Date(from), new Date(to));
}

/** Document-name bounds of the cells that start in [start, end). */
export function claimNameRange(subscriberId: string, start: Date, end: Date): { from: string; to: string } {
  return { from: cellName(subscriberId, Math.floor(start.getTime() / CELL_MS)), to: cellName(subscriberId, Math.ceil(end.getTime() / CELL_MS)) };
}

/** Merges claimed cells back into busy ranges. */
export function busyFromClaims(claimIds: string[]): { start: Date; end: Date }[] {
  const cells = claimIds.map((id) => Number(id.slice(id.lastIndexOf('_') + 1))).sort((a, b) => a - b);
  const ranges: { start: Date; end: Date }[] = [];
  for (const cell of cells) {
    const last = ranges.at(-1);
    if (last && last.end.getTime() === cell * CELL_MS) last.end = new Date((cell + 1) * CELL_MS);
    else ranges.push({ start: new Date(cell * CELL_MS), end: new Date((cell + 1) * CELL_MS) });
  }
  return ranges;
}
