// Conventions shared by both dialects: instants are integer epoch milliseconds (UTC), booleans
// are 0/1 integers, and structured values are JSON text, so one set of queries serves SQLite
// and PostgreSQL alike.

export interface AccountsTable {
  id: string
  email: string
  name: string | null
  timezone: string
  avatar: string | null
  created_at: number
  updated_at: number
  /** PHC string of the account's argon2id password hash; null until a password is set. */
  password_hash: string | null
  password_changed_at: number | null
}

export interface OrganizationsTable {
  id: string
  name: string
  plan: string
  owner_account_id: string
  created_at: number
  updated_at: number
}

export interface MembershipsTable {
  account_id: string
  organization_id: string
  role: string
  created_at: number
}

export interface ChannelsTable {
  id: string
  organization_id: string
  service: string
  service_id: string
  type: string
  name: string
  display_name: string | null
  avatar: string | null
  timezone: string
  /** JSON array of `{ day, times, paused }`, one entry per weekday. */
  posting_schedule: string
  is_queue_paused: number
  is_disconnected: number
  is_locked: number
  /** How due posts leave Pigeon: 'webhook', or null while no delivery method is connected. */
  delivery_method: string | null
  webhook_url: string | null
  webhook_secret: string | null
  /** AES-256-GCM ciphertext of the network credentials; see credentials-cipher.ts. */
  credentials: string | null
  /** Ciphertext of a Mastodon app registration that waits for its authorization code. */
  pending_authorization: string | null
  /** Base URL of the Mastodon instance or Bluesky PDS the channel publishes to. */
  server_url: string | null
  /** The account on the network: a Mastodon account id or a Bluesky DID. */
  remote_account_id: string | null
  remote_username: string | null
  /** JSON of the network's limits, such as a Mastodon instance's max characters. */
  network_limits: string | null
  /** JSON of publishing defaults, such as visibility and language. */
  network_settings: string | null
  /** Until when the network asked Pigeon to stop sending this channel's posts (429). */
  rate_limited_until: number | null
  created_at: number
  updated_at: number
}

export interface PostsTable {
  id: string
  organization_id: string
  channel_id: string
  author_account_id: string | null
  status: string
  via: string
  share_mode: string
  scheduling_type: string | null
  due_at: number | null
  is_custom_scheduled: number
  shared_now: number
  needs_approval: number
  text: string
  /** JSON array of normalized assets. */
  assets: string
  /** JSON object of the service's post metadata input, or null. */
  metadata: string | null
  idea_id: string | null
  draft_id: string | null
  source: string | null
  ai_assisted: number
  sent_at: number | null
  external_link: string | null
  remote_id: string | null
  error_message: string | null
  error_raw: string | null
  /** When the worker may next claim the post; equals due_at until a retry moves it. */
  run_at: number | null
  attempts: number
  lease_owner: string | null
  lease_expires_at: number | null
  created_at: number
  updated_at: number
}

export interface PostTagsTable {
  post_id: string
  tag_id: string
}

export interface DeliveryAttemptsTable {
  id: string
  post_id: string
  attempt: number
  worker_id: string
  started_at: number
  finished_at: number | null
  outcome: string | null
  summary: string | null
  /** The idempotency key, record key or webhook id the attempt sent. */
  remote_key: string | null
}

/** One published item of a post: the post itself, or one entry of its thread. */
export interface DeliveryItemsTable {
  post_id: string
  item_index: number
  /** The network's id of the item: a Mastodon status id or a Bluesky at:// URI. */
  remote_id: string
  /** The record's CID on Bluesky, which replies need for their strong references. */
  remote_cid: string | null
  external_link: string | null
  published_at: number
}

export interface ApiKeysTable {
  id: string
  account_id: string
  name: string
  /** Hex SHA-256 of the whole key; the plaintext is never stored. */
  key_hash: string
  /** The first characters of the key, shown to tell keys apart. */
  display_prefix: string
  last4: string
  created_at: number
  last_used_at: number | null
  expires_at: number | null
  revoked_at: number | null
  /** JSON array of scopes the key is limited to, or null for every scope. */
  scopes: string | null
  /** The one organization the key is limited to, or null for all of the account's. */
  organization_id: string | null
}

export interface RateLimitBucketsTable {
  partition_key: string
  window: string
  bucket_start: number
  count: number
}

export interface TagsTable {
  id: string
  organization_id: string
  name: string
  color: string
  is_locked: number
  created_at: number
}

export interface IdeaGroupsTable {
  id: string
  organization_id: string
  name: string
  is_locked: number
  position: number
  created_at: number
}

export interface IdeasTable {
  id: string
  organization_id: string
  group_id: string | null
  position: number
  title: string | null
  text: string | null
  ai_assisted: number
  date: number | null
  /** JSON array of media entries. */
  media: string
  /** JSON array of Service names. */
  services: string
  /** JSON array of `{ id, name, color }`. */
  tags: string
  created_at: number
  updated_at: number
}

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored. */
export interface SessionsTable {
  id: string
  account_id: string
  token_hash: string
  created_at: number
  last_seen_at: number
  expires_at: number
}

/** One sign-in try, kept for a day to slow down password guessing. */
export interface SignInAttemptsTable {
  id: string
  email: string
  address: string
  outcome: string
  attempted_at: number
}

export interface Database {
  accounts: AccountsTable
  organizations: OrganizationsTable
  memberships: MembershipsTable
  channels: ChannelsTable
  posts: PostsTable
  post_tags: PostTagsTable
  delivery_attempts: DeliveryAttemptsTable
  delivery_items: DeliveryItemsTable
  api_keys: ApiKeysTable
  rate_limit_buckets: RateLimitBucketsTable
  tags: TagsTable
  idea_groups: IdeaGroupsTable
  ideas: IdeasTable
  sessions: SessionsTable
  sign_in_attempts: SignInAttemptsTable
}
