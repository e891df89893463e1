/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The compact picker: a month of days, those with free times as buttons, then the chosen day's
// times. Days move with the arrow keys (one tab stop for the month, as in a date grid) and Enter
// or Space chooses; each button's name says its date, and `aria-pressed` marks the chosen day and
// time. The calendar itself is plain data from ./slot-days.
import { dayAfterKey, freeDays, isDayKey, monthCells, monthOf, type FreeDay } from './slot-days';
import { dayName, describeSlot, monthName, type Slot } from './slot-text';

export interface DayPickerElements {
  previousMonth: HTMLButtonElement;
  nextMonth: HTMLButtonElement;
  monthHeading: HTMLElement;
  days: HTMLElement;
  timesHeading: HTMLElement;
  times: HTMLElement;
  /** A polite live region: what changed, for who cannot see it. */
  status: HTMLElement;
}

export interface DayPickerOptions {
  hour12: boolean;
  onTimeChosen: (slot: Slot) => void;
}

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

export class DayPicker {
  private timeZone = 'UTC';
  private days: FreeDay[] = [];
  private month = '';
  private day = '';
  /** The day button that holds the month's one tab stop. */
  private focusDay = '';
  private chosenStart: string | null = null;

  constructor(
    private readonly el: DayPickerElements,
    private readonly options: DayPickerOptions,
  ) {
    el.previousMonth.addEventListener('click', () => this.turnMonth(-1));
    el.nextMonth.addEventListener('click', () => this.turnMonth(1));
    el.days.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-day]');
      if (button?.dataset.day) this.chooseDay(button.dataset.day, true);
    });
    el.days.addEventListener('keydown', (event) => {
      if (!isDayKey(event.key)) return;
      event.preventDefault();
      const target = dayAfterKey(this.dayKeys(), this.focusDay, event.key);
      if (target) this.moveFocus(target);
    });
    el.times.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-start]');
      const slot = this.slotsOfDay().find((s) => s.start === button?.dataset.start);
      if (slot) this.chooseTime(slot);
    });
  }

  /** Shows these free times in the zone, keeping the chosen time (and its day) while it is among them. */
  show(slots: readonly Slot[], timeZone: string, chosenStart: string | null): void {
    this.timeZone = timeZone;
    this.days = freeDays(slots, timeZone);
    const chosen = slots.find((slot) => slot.start === chosenStart);
    this.chosenStart = chosen ? chosen.start : null;
    const keep = chosen ? describeSlot(chosen, timeZone, false).dayKey : this.day;
    this.day = this.dayKeys().includes(keep) ? keep : (this.days[0]?.dayKey ?? '');
    this.month = monthOf(this.day);
    this.focusDay = this.day;
    this.renderMonth();
    this.renderTimes();
  }

  get chosen(): string | null {
    return this.chosenStart;
  }

  /** Takes the choice back (the time was taken meanwhile): nothing is pressed. */
  clearChoice(): void {
    this.chosenStart = null;
    for (const button of this.el.times.querySelectorAll('button')) button.setAttribute('aria-pressed', 'false');
  }

  /** Focus on the chosen time, else the chosen day: where a guest changing their mind starts. */
  focusChoice(): void {
    const time = this.el.times.querySelector<HTMLButtonElement>('button[aria-pressed=true]');
    const target = time ?? this.el.days.querySelector<HTMLButtonElement>('button[tabindex="0"]');
    target?.scrollIntoView({ block: 'center' });
    target?.focus({ preventScroll: true });
  }

  private dayKeys(): string[] {
    return this.days.map((d) => d.dayKey);
  }

  private slotsOfDay(): Slot[] {
    return this.days.find((d) => d.dayKey === this.day)?.slots ?? [];
  }

  private months(): string[] {
    return [...new Set(this.days.map((d) => monthOf(d.dayKey)))];
  }

  private turnMonth(step: -1 | 1): void {
    const months = this.months();
    const month = months[months.indexOf(this.month) + step];
    if (!month) return;
    const first = this.days.find((d) => monthOf(d.dayKey) === month);
    if (!first) return;
    this.month = month;
    this.chooseDay(first.dayKey, false);
    this.renderMonth();
    this.say(`${monthName(month)}: ${plural(this.days.filter((d) => monthOf(d.dayKey) === month).length, 'day')} with free times. ${dayName(first.dayKey)} chosen.`);
  }

  private moveFocus(dayKey: string): void {
    this.focusDay = dayKey;
    if (monthOf(dayKey) !== this.month) {
      this.month = monthOf(dayKey);
      this.renderMonth();
    }
    for (const button of this.el.days.querySelectorAll<HTMLButtonElement>('button[data-day]')) {
      button.tabIndex = button.dataset.day === dayKey ? 0 : -1;
      if (button.dataset.day === dayKey) button.focus();
    }
  }

  private chooseDay(dayKey: string, announce: boolean): void {
    this.day = dayKey;
    this.focusDay = dayKey;
    for (const button of this.el.days.querySelectorAll<HTMLButtonElement>('button[data-day]')) {
      button.setAttribute('aria-pressed', String(button.dataset.day === dayKey));
      button.tabIndex = button.dataset.day === dayKey ? 0 : -1;
    }
    this.renderTimes();
    if (announce) this.say(`${dayName(dayKey)}: ${plural(this.slotsOfDay().length, 'free time')}.`);
  }

  private chooseTime(slot: Slot): void {
    this.chosenStart = slot.start;
    for (const button of this.el.times.querySelectorAll<HTMLButtonElement>('button[data-start]')) {
      button.setAttribute('aria-pressed', String(button.dataset.start === slot.start));
    }
    this.options.onTimeChosen(slot);
  }

  private renderMonth(): void {
    const months = this.months();
    const index = months.indexOf(this.month);
    this.el.monthHeading.textContent = this.month ? monthName(this.month) : '';
    // aria-disabled rather than disabled: a button that disables itself under the focus drops it.
    this.el.previousMonth.setAttribute('aria-disabled', String(index <= 0));
    this.el.nextMonth.setAttribute('aria-disabled', String(index < 0 || index >= months.length - 1));
    const free = new Map(this.days.map((d) => [d.dayKey, d.slots.length]));
    const cells = (this.month ? monthCells(this.month) : []).map((dayKey) => {
      const count = dayKey === null ? undefined : free.get(dayKey);
      if (dayKey === null || count === undefined) {
        // Days without free times are only seen: nothing to choose there, nothing to hear.
        const cell = document.createElement('span');
        cell.className = 'day-cell';
        cell.setAttribute('aria-hidden', 'true');
        cell.textContent = dayKey === null ? '' : String(Number(dayKey.slice(8)));
        return cell;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'day-cell free';
      button.dataset.day = dayKey;
      button.textContent = String(Number(dayKey.slice(8)));
      button.setAttribute('aria-label', `${dayName(dayKey)}, ${plural(count, 'free time')}`);
      button.setAttribute('aria-pressed', String(dayKey === this.day));
      button.tabIndex = dayKey === this.focusDay ? 0 : -1;
      return button;
    });
    this.el.days.replaceChildren(...cells);
  }

  private renderTimes(): void {
    const slots = this.slotsOfDay();
    this.el.timesHeading.textContent = this.day ? `Free times on ${dayName(this.day)}` : '';
    this.el.times.replaceChildren(
      ...slots.map((slot) => {
        const { day, time } = describeSlot(slot, this.timeZone, this.options.hour12);
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'time';
        button.dataset.start = slot.start;
        button.setAttribute('aria-pressed', String(slot.start === this.chosenStart));
        // The day is in each time's name, so a screen reader user who jumps between buttons knows which day.
        const dayText = document.createElement('span');
        dayText.className = 'visually-hidden';
        dayText.textContent = `${day}, `;
        button.append(dayText, time);
        return button;
      }),
    );
  }

  private say(text: string): void {
    this.el.status.textContent = text;
  }
}
