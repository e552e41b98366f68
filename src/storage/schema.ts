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

export interface Database {
  accounts: AccountsTable
  organizations: OrganizationsTable
  memberships: MembershipsTable
  channels: ChannelsTable
  posts: PostsTable
  post_tags: PostTagsTable
  delivery_attempts: DeliveryAttemptsTable
  api_keys: ApiKeysTable
  tags: TagsTable
  idea_groups: IdeaGroupsTable
  ideas: IdeasTable
}
