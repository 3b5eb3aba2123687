/** A routed view: its root element, called again whenever watched state changes. */
export interface View {
  el: HTMLElement;
  title: string;
  update(): void;
  close?(): void;
}
