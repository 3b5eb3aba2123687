import type { Resource } from '../state.js';

/** A routed view: its root element, called again whenever watched state changes. */
export interface View {
  el: HTMLElement;
  title: string;
  /** The API resources it reads; only these are watched while it shows. */
  needs: Resource[];
  update(): void;
  close?(): void;
}
