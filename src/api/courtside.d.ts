// Types for courtside: the Echo-shaped JavaScript API (api.js), the elements' attributes and the
// events they dispatch. Payloads follow the stats API's contract; match states follow the
// gateway's snapshot format (docs/snapshot-api.md).

/** A status as the stats API writes it; any other string is passed on as written. */
export type MatchStatus =
  | 'scheduled' | 'in_progress' | 'finished'
  | 'postponed' | 'cancelled' | 'suspended' | 'delayed' | 'interrupted'
  | (string & {});

export interface StatEvent {
  id: number;
  client_id?: string | null;
  type: string;
  team_id?: number | null;
  player_id?: number | null;
  period?: number | null;
  clock?: string | null;
  x?: number | null;
  y?: number | null;
  event_at?: string | null;
}

/** `.event.received` on `match.{id}` and `games`. */
export interface EventReceived {
  match_id: number;
  home_score: number;
  away_score: number;
  current_period?: number | null;
  current_clock?: string | null;
  status: MatchStatus;
  event: StatEvent;
}

/** `.status.changed` on `match.{id}`, `competition.{id}` and `games`. */
export interface StatusChanged {
  match_id: number;
  competition_id?: number | null;
  status: MatchStatus;
  previous_status?: MatchStatus | null;
  home_score?: number | null;
  away_score?: number | null;
}

export interface Team {
  id: number;
  name?: string;
  short_name?: string;
  colour?: string;
  logo_url?: string;
}

export interface Player {
  id: number;
  team_id?: number;
  name?: string;
  shirt_number?: string;
}

/** One match as `match(id).subscribe` hands it over: the snapshot API's shape. */
export interface MatchState {
  id: number;
  competition_id?: number;
  status: MatchStatus;
  home_team?: Team;
  away_team?: Team;
  home_score: number;
  away_score: number;
  current_period?: number;
  current_clock?: string;
  /** Regulation periods: 4 (quarters) or 2 (halves); later periods are overtime. */
  periods?: number;
  scheduled_at?: string;
  last_event?: StatEvent;
  players?: Player[];
  /** The site's relay has lost the stats API: this may be behind. */
  delayed?: boolean;
}

/** pusher-js' connection states. */
export type ConnectionState = 'initialized' | 'connecting' | 'connected' | 'unavailable' | 'failed' | 'disconnected';

export interface ConnectionEvents {
  state_change: { previous: ConnectionState; current: ConnectionState };
  error: { type: 'PusherError'; data: { code: number | null; message: string } };
  initialized: void;
  connecting: void;
  connected: void;
  unavailable: void;
  failed: void;
  disconnected: void;
}

export interface Connection {
  readonly state: ConnectionState;
  readonly socket_id: string | undefined;
  bind<K extends keyof ConnectionEvents>(event: K, callback: (data: ConnectionEvents[K]) => void): this;
  unbind<K extends keyof ConnectionEvents>(event?: K, callback?: (data: ConnectionEvents[K]) => void): this;
}

export interface SubscriptionError {
  type: 'AuthError';
  /** Why, in words. */
  error: string;
  /** The HTTP status of a refused auth request, else 0. */
  status: number;
}

/** Payload of an event: the stats API's two, or whatever a channel carries. */
type PayloadOf<E extends string> = E extends '.event.received' ? EventReceived : E extends '.status.changed' ? StatusChanged : any;

export interface Channel {
  readonly name: string;
  listen<E extends string>(event: E, callback: (data: PayloadOf<E>) => void): this;
  stopListening<E extends string>(event: E, callback?: (data: PayloadOf<E>) => void): this;
  listenToAll(callback: (event: string, data: any) => void): this;
  stopListeningToAll(callback?: (event: string, data: any) => void): this;
  subscribed(callback: () => void): this;
  error(callback: (error: SubscriptionError) => void): this;
}

export interface Refusal {
  /** 404: the gateway does not know the match; 401, 403: access refused. */
  status: number;
  message: string;
}

/** Stops a subscription; also callable as `.unsubscribe()`. */
export interface Unsubscribe {
  (): void;
  unsubscribe(): void;
}

export interface Courtside {
  /** A stats API channel by its Echo name (`match.123`, `games`, `competition.4`). */
  private(name: string): Channel;
  /** A public channel by its full name. */
  channel(name: string): Channel;
  /** Leave `name` in every form (`name`, `private-name`, …), as Echo does. */
  leave(name: string): void;
  leaveChannel(fullName: string): void;
  leaveAllChannels(): void;
  socketId(): string | undefined;
  /** Closes the page's socket (widgets on the page stop too); `connect()` opens it again. */
  disconnect(): void;
  readonly connection: Connection;
  /** Where Echo code reaches pusher-js: `echo.connector.pusher.connection.bind(…)`. */
  readonly connector: { pusher: { connection: Connection } };
  /** One match, reduced, backfilled after every gap and deduplicated, as the scoreboard shows it. */
  match(id: number): { subscribe(next: (state: MatchState) => void, error?: (refusal: Refusal) => void): Unsubscribe };
}

export interface ConnectOptions {
  /** The site's gateway (https://… or a path); required unless the page's script tag gives one. */
  gateway?: string;
  /** The Pusher/Reverb host (default stats-api.ds2.app); `self`: the page's own origin. */
  host?: string;
  port?: number | string;
  tls?: boolean;
  key?: string;
  /** `public` when the site runs a relay. */
  channels?: 'public' | 'private';
  /** Echo's names for the same settings. */
  wsHost?: string;
  wsPort?: number;
  wssPort?: number;
  forceTLS?: boolean;
  /** Echo's event namespace for names without a leading dot (default `App.Events`). */
  namespace?: string | false;
  authorizer?: Authorizer;
}

/** Signs a private channel instead of the gateway's `/auth`; reject with `{status: 403}` to deny. */
export type Authorizer = (channel: string, socketId: string) => Promise<{ auth: string }>;

/** Connect the page's one socket (later calls return the same object). */
export function connect(options?: ConnectOptions): Promise<Courtside>;
export function setAuthorizer(authorizer: Authorizer | null): void;

/** The elements' attributes (README, "Embedding"). */
export interface CourtsideAttributes {
  lang?: 'en' | 'de' | 'es' | (string & {});
  theme?: 'light' | 'dark';
  size?: 'full' | 'compact' | 'nano';
  periods?: '2' | '4';
  [label: `label-${string}`]: string | undefined;
}
export interface ScoreboardAttributes extends CourtsideAttributes { match: string }
export interface TickerAttributes extends CourtsideAttributes { interval?: string; 'leave-after'?: string }
export interface CompetitionAttributes extends CourtsideAttributes { competition: string }

/** Events the elements dispatch (they bubble and cross the shadow root). */
export interface CourtsideEventMap {
  'courtside:score': CustomEvent<{ matchId: number; home: number; away: number }>;
  'courtside:status': CustomEvent<{ matchId: number; status: MatchStatus; previous: MatchStatus }>;
  'courtside:connection': CustomEvent<{ state: 'live' | 'reconnecting' | 'offline' | 'failed' }>;
  'courtside:synced': CustomEvent<{ matchId: number }>;
}

export interface CourtsideElement extends HTMLElement {
  addEventListener<K extends keyof CourtsideEventMap>(type: K, listener: (this: CourtsideElement, ev: CourtsideEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'courtside-scoreboard': CourtsideElement;
    'courtside-ticker': CourtsideElement;
    'courtside-competition': CourtsideElement;
  }
  interface DocumentEventMap extends CourtsideEventMap {}
  interface WindowEventMap extends CourtsideEventMap {}
}

/** What the page holds right now: sockets opened, channels, listeners, widgets, timers, pushes that
 * did not fit the contract, and the module's memory in bytes. */
export function courtsideStats(): { sockets: number; channels: number; listeners: number; widgets: number; timers: number; badPushes: number; wasmMemory: number };
