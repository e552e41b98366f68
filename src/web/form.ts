/** A parsed urlencoded form body: repeated names give arrays. */
export type FormBody = Record<string, string | string[] | undefined>

/** Reads the body of a form post; anything that is not an object reads as an empty form. */
export function formBody(body: unknown): FormBody {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as FormBody) : {}
}

/** Returns the field's value, or '' when absent. Of repeated values it returns the first. */
export function field(form: FormBody, name: string): string {
  const value = Object.hasOwn(form, name) ? form[name] : undefined
  if (Array.isArray(value)) return value[0] ?? ''

  return value ?? ''
}

/** Returns every value of a field that may repeat, such as a group of checkboxes. */
export function fieldList(form: FormBody, name: string): string[] {
  const value = Object.hasOwn(form, name) ? form[name] : undefined
  if (value === undefined) return []

  return Array.isArray(value) ? value : [value]
}

/** Returns the field's trimmed value, or null when absent or blank. */
export function optionalField(form: FormBody, name: string): string | null {
  const value = field(form, name).trim()
  return value === '' ? null : value
}

/** Collects field problems into the `errors` map the templates read, keeping the first message per field. */
export function problemsByField(problems: ReadonlyArray<{ field: string; message: string }>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const problem of problems) errors[problem.field] ??= problem.message

  return errors
}

/**
 * Compares a new password with its confirmation field and returns a mismatch as a problem of the
 * confirmation field. Returns null for an empty password, which the password field reports alone.
 */
export function confirmationProblem(password: string, confirmation: string, field = 'passwordConfirmation'): { field: string; message: string } | null {
  if (password === confirmation || password === '') return null

  return { field, message: 'The two passwords differ; type the same password twice.' }
}

/** One message of a page's error summary, linked to its field's element when `fieldId` is set. */
export interface ErrorSummaryItem {
  fieldId: string | null
  message: string
}

/**
 * Lists the messages of an `errors` map for the error summary at the top of a page, each linked to
 * the element id that `fieldIdOf` returns for its field. A field without an element (such as
 * `form`) is listed without a link.
 */
export function errorSummaryItems(errors: Record<string, string>, fieldIdOf: (field: string) => string | undefined): ErrorSummaryItem[] {
  return Object.entries(errors).map(([name, message]) => ({ fieldId: fieldIdOf(name) ?? null, message }))
}
