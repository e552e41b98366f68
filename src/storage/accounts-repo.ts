import type { Executor } from './executor.ts'

export interface AccountRecord {
  id: string
  email: string
  name: string | null
  timezone: string
  avatar: string | null
  createdAt: number
  updatedAt: number
}

export interface OrganizationRecord {
  id: string
  name: string
  plan: string
  ownerAccountId: string
  createdAt: number
}

type AccountRow = {
  id: string
  email: string
  name: string | null
  timezone: string
  avatar: string | null
  created_at: number
  updated_at: number
}

function toAccount(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    timezone: row.timezone,
    avatar: row.avatar,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function insertAccount(db: Executor, account: AccountRecord): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: account.id,
      email: account.email,
      name: account.name,
      timezone: account.timezone,
      avatar: account.avatar,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
    })
    .execute()
}

/** Changes an account's display name and timezone. */
export async function updateAccountProfile(db: Executor, id: string, profile: { name: string | null; timezone: string }, now: number): Promise<void> {
  await db.updateTable('accounts').set({ name: profile.name, timezone: profile.timezone, updated_at: now }).where('id', '=', id).execute()
}

export async function findAccountById(db: Executor, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toAccount(row)
}

export async function findAccountByEmail(db: Executor, email: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst()
  return row === undefined ? undefined : toAccount(row)
}

export async function listAccounts(db: Executor): Promise<AccountRecord[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('id').execute()
  return rows.map(toAccount)
}

export async function insertOrganization(db: Executor, organization: OrganizationRecord): Promise<void> {
  await db
    .insertInto('organizations')
    .values({
      id: organization.id,
      name: organization.name,
      plan: organization.plan,
      owner_account_id: organization.ownerAccountId,
      created_at: organization.createdAt,
      updated_at: organization.createdAt,
    })
    .execute()
}

export async function insertMembership(
  db: Executor,
  membership: { accountId: string; organizationId: string; role: string; createdAt: number },
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      account_id: membership.accountId,
      organization_id: membership.organizationId,
      role: membership.role,
      created_at: membership.createdAt,
    })
    .execute()
}

/** Organizations the account belongs to, oldest first. */
export async function listOrganizationsForAccount(db: Executor, accountId: string): Promise<OrganizationRecord[]> {
  const rows = await db
    .selectFrom('organizations')
    .innerJoin('memberships', 'memberships.organization_id', 'organizations.id')
    .select([
      'organizations.id',
      'organizations.name',
      'organizations.plan',
      'organizations.owner_account_id',
      'organizations.created_at',
    ])
    .where('memberships.account_id', '=', accountId)
    .orderBy('organizations.id')
    .execute()

  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    plan: row.plan,
    ownerAccountId: row.owner_account_id,
    createdAt: row.created_at,
  }))
}

export async function countMembers(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

export async function findOwnerEmail(db: Executor, organizationId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('organizations')
    .innerJoin('accounts', 'accounts.id', 'organizations.owner_account_id')
    .select('accounts.email')
    .where('organizations.id', '=', organizationId)
    .executeTakeFirst()

  return row?.email
}
