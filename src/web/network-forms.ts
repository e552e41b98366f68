import type { ChannelError } from '../channel-settings/channel-settings.ts'
import type { NetworkAccountInput } from '../channel-settings/connect-network-account.ts'
import { field, optionalField, type FormBody } from './form.ts'

/** Mastodon visibilities, as the connection forms offer them. */
export const VISIBILITY_OPTIONS = [
  { value: 'public', label: 'Public' },
  { value: 'unlisted', label: 'Unlisted (public, but kept out of public timelines)' },
  { value: 'private', label: 'Followers only' },
  { value: 'direct', label: 'Mentioned people only' },
]

// The forms name both language fields apart, because the add page shows the Mastodon and Bluesky fields at once without JavaScript.
const FORM_FIELD_OF: Record<'mastodon' | 'bluesky', Record<string, string>> = {
  mastodon: { language: 'mastodonLanguage' },
  bluesky: { language: 'blueskyLanguage' },
}

/** Values of the account fields to show again after a rejected form. The token, app password and code are never kept. */
export function accountValues(form: FormBody): Record<string, string> {
  return {
    method: field(form, 'method'),
    instance: field(form, 'instance').trim(),
    visibility: field(form, 'visibility'),
    mastodonLanguage: field(form, 'mastodonLanguage').trim(),
    identifier: field(form, 'identifier').trim(),
    pdsUrl: field(form, 'pdsUrl').trim(),
    blueskyLanguage: field(form, 'blueskyLanguage').trim(),
  }
}

/** Reads the network account the form's `method` chose; null for a webhook or an unknown method. */
export function readAccountInput(form: FormBody): NetworkAccountInput | null {
  const method = field(form, 'method')
  switch (method) {
    case 'mastodonAuthorization':
      return { method, instance: field(form, 'instance'), visibility: optionalField(form, 'visibility'), language: optionalField(form, 'mastodonLanguage') }
    case 'mastodonToken':
      return { method, instance: field(form, 'instance'), accessToken: field(form, 'accessToken'), visibility: optionalField(form, 'visibility'), language: optionalField(form, 'mastodonLanguage') }
    case 'bluesky':
      return { method, identifier: field(form, 'identifier'), appPassword: field(form, 'appPassword').trim(), pdsUrl: optionalField(form, 'pdsUrl'), language: optionalField(form, 'blueskyLanguage') }
    default:
      return null
  }
}

/**
 * Places a domain error next to the form field it is about. An error about a field the page
 * does not show, or about no field, goes to `form`, shown above the form.
 */
export function errorsFor(error: ChannelError, network: 'mastodon' | 'bluesky' | null, pageFields: readonly string[]): Record<string, string> {
  if (error.code !== 'INVALID_INPUT') return { form: error.message }
  const name = network === null ? error.field : (FORM_FIELD_OF[network][error.field] ?? error.field)

  return { [pageFields.includes(name) ? name : 'form']: error.message }
}

/** The network a connection method belongs to. */
export function networkOf(method: string): 'mastodon' | 'bluesky' | null {
  if (method === 'mastodonAuthorization' || method === 'mastodonToken') return 'mastodon'
  return method === 'bluesky' ? 'bluesky' : null
}
