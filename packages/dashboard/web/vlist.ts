/**
 * A virtualised list: one tall spacer, and only the rows in (or near) the viewport in the DOM, so
 * 5,000 nodes cost as much to render as 30. Rows are absolutely positioned (CSSOM transforms,
 * allowed under the page's CSP). Arrow keys move focus between rows, scrolling as they go.
 */
export class VirtualList<T> {
  readonly el: HTMLElement;
  private readonly inner: HTMLElement;
  private items: T[] = [];
  private readonly overscan = 6;

  constructor(
    label: string,
    private readonly rowHeight: () => number,
    private readonly key: (item: T) => string,
    private readonly renderRow: (item: T) => HTMLElement,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'vlist';
    this.el.setAttribute('role', 'list');
    this.el.setAttribute('aria-label', label);
    this.inner = document.createElement('div');
    this.inner.className = 'vlist-inner';
    this.el.append(this.inner);
    this.el.addEventListener('scroll', () => this.render(), { passive: true });
    this.el.addEventListener('keydown', (e) => this.onKey(e));
  }

  setItems(items: T[]): void {
    this.items = items;
    this.render();
  }

  /** Rows currently in the DOM (for tests and the status line). */
  get renderedCount(): number { return this.inner.childElementCount; }

  render(): void {
    const rh = this.rowHeight();
    this.inner.style.height = `${this.items.length * rh}px`;
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / rh) - this.overscan);
    const last = Math.min(this.items.length, Math.ceil((top + height) / rh) + this.overscan);
    const focused = document.activeElement instanceof HTMLElement && this.inner.contains(document.activeElement)
      ? (document.activeElement.closest('[data-key]') as HTMLElement | null)?.dataset['key'] : undefined;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const item = this.items[i]!;
      const row = this.renderRow(item);
      row.dataset['key'] = this.key(item);
      row.setAttribute('role', 'listitem');
      row.setAttribute('aria-posinset', String(i + 1));
      row.setAttribute('aria-setsize', String(this.items.length));
      row.classList.add('vrow');
      row.style.transform = `translateY(${i * rh}px)`;
      row.style.height = `${rh}px`;
      rows.push(row);
    }
    this.inner.replaceChildren(...rows);
    if (focused !== undefined) rows.find((r) => r.dataset['key'] === focused)?.querySelector<HTMLElement>('a,button')?.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const row = (e.target as HTMLElement).closest('[data-key]') as HTMLElement | null;
    if (!row) return;
    e.preventDefault();
    const idx = Number(row.getAttribute('aria-posinset')) - 1 + (e.key === 'ArrowDown' ? 1 : -1);
    if (idx < 0 || idx >= this.items.length) return;
    const rh = this.rowHeight();
    const y = idx * rh;
    if (y < this.el.scrollTop) this.el.scrollTop = y;
    else if (y + rh > this.el.scrollTop + this.el.clientHeight) this.el.scrollTop = y + rh - this.el.clientHeight;
    this.render();
    const key = this.key(this.items[idx]!);
    [...this.inner.children].find((r) => (r as HTMLElement).dataset['key'] === key)?.querySelector<HTMLElement>('a,button')?.focus({ preventScroll: true });
  }
}
