// A narrated run of the example app against the CDMS emulator: `pnpm demo` from the repository root.
// Every request count printed here is measured (the client's `request` events), not assumed.
import { type CdmsRequestEvent, isCdmsError } from '@cdms-sync/cdms-client';
import type { CdmsEmulator, EmulatorInputRecord, EmulatorRecord } from '@cdms-sync/cdms-client/emulator';
import { type App, startApp } from './app';
import { colour, formatCell, heading, say, table } from './console-output';
import { Contact } from './models/contact';
import { Organisation } from './models/organisation';
import { RequestMeter } from './request-meter';
import {
  addContact,
  contactsOf,
  registerOrganisation,
  renameOrganisation,
  searchOrganisations,
} from './services/organisation-service';

/** CDMS reference data the accounts point at (the emulator does not check lookup targets). */
const COUNTRY_UNITED_KINGDOM = '80756b9a-5d95-e211-a939-e4115bead28a';
const REGION_LONDON = '874cd12a-6095-e211-a939-e4115bead28a';
const REGION_YORKSHIRE = '8b4cd12a-6095-e211-a939-e4115bead28a';
const SECTOR_ADVANCED_ENGINEERING = 'af959812-6095-e211-a939-e4115bead28a';

/** How many accounts exist only in CDMS before step 3 (more than two 50-row pages). */
const CDMS_ONLY_ACCOUNTS = 120;

async function main(): Promise<void> {
  const started = performance.now();
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (process.env.CDMS_BASE_URL) {
    say(
      colour.yellow(
        'CDMS_BASE_URL is ignored by the demo: it edits records and injects faults, so it needs the emulator.',
      ),
    );
  }
  // On PostgreSQL the demo works in a schema of its own and drops it at the end.
  const schema = databaseUrl ? `cdms_sync_demo_${process.pid}` : undefined;
  const app = await startApp(databaseUrl && schema ? { databaseUrl, databaseSchema: schema } : {});
  const meter = new RequestMeter(app.cdms);
  try {
    const emulator = app.emulator;
    if (!emulator) throw new Error('the demo needs the CDMS emulator');
    console.log(colour.bold('cdms-sync demo: organisations and contacts, kept in sync with CDMS'));
    say(`local store: ${app.database}${schema ? ` (schema ${schema})` : ' (in memory)'}`);
    say(`CDMS:        emulator at ${emulator.serviceUrl}`);

    const acme = await createOrganisationAndContacts(app, emulator, meter);
    await refreshAfterCdmsEdit(app, emulator, meter, acme);
    await importFromCdms(app, emulator, meter);
    await failDuringSave(app, emulator, meter, acme);
    await localOnlyQueries(emulator, meter, acme);
    await migrationOperations(app, emulator, meter);
    printRequestSummary(emulator, meter);

    say(colour.dim(`finished in ${((performance.now() - started) / 1000).toFixed(1)} s`));
  } finally {
    meter.stop();
    if (schema) await app.knex.raw('drop schema if exists ?? cascade', [schema]).catch(() => undefined);
    await app.close();
  }
}

// ------------------------------------------------------------------------------------------- 1

async function createOrganisationAndContacts(
  app: App,
  emulator: CdmsEmulator,
  meter: RequestMeter,
): Promise<Organisation> {
  heading('1) Create an organisation and two contacts');

  const created = await meter.measure('create organisation', () =>
    app.sync.runAs({ user: 'alice', comment: 'new customer' }, () =>
      registerOrganisation({
        name: 'Acme Trading',
        alias: 'Acme',
        ukOrganisation: true,
        country: COUNTRY_UNITED_KINGDOM,
        ukRegion: REGION_LONDON,
        sector: SECTOR_ADVANCED_ENGINEERING,
        addressLine1: '1 Canada Square',
        city: 'London',
        postcode: 'E14 5AB',
        phone: '+44 20 7946 0000',
        email: 'info@acme.example',
        notes: 'Local-only: CDMS never sees this field.',
      }),
    ),
  );
  const acme = created.result;
  printRequests(meter, 'registerOrganisation(Acme Trading)', created.requests);
  say(colour.dim(`  POST body: ${JSON.stringify(lastBody(emulator, 'create'))}`));

  const ada = await meter.measure('create contact (Ada)', () =>
    addContact(acme, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.example' }),
  );
  printRequests(meter, 'addContact(Ada Lovelace)', ada.requests);
  const grace = await meter.measure('create contact (Grace)', () =>
    addContact(acme, { firstName: 'Grace', lastName: 'Hopper', phone: '+44 20 7946 0001' }),
  );
  printRequests(meter, 'addContact(Grace Hopper)', grace.requests);

  say(
    'The organisation in both stores (the client chose the AccountId, so a retried POST cannot duplicate it):',
  );
  const record = cdmsRecord(emulator, 'Account', acme.cdmsPk);
  table(
    ['field', 'local row', 'CDMS Account'],
    [
      ['id / AccountId', `${acme.id} / ${acme.cdmsPk}`, record.AccountId],
      ['name / Name', acme.name, record.Name],
      ['ukOrganisation / optevia_ukorganisation', acme.ukOrganisation, record.optevia_ukorganisation],
      ['country / optevia_Country', acme.country, referenceId(record.optevia_Country)],
      ['city / Address1_City', acme.city, record.Address1_City],
      ['modified / ModifiedOn', acme.modified, record.ModifiedOn],
      ['notes (local-only)', acme.notes, '(not mapped)'],
    ],
  );
  const contacts = emulator
    .records('Contact')
    .filter((contact) => referenceId(contact.ParentCustomerId) === acme.cdmsPk);
  say(
    `CDMS Contacts with ParentCustomerId = Acme: ${contacts.map((contact) => `${contact.FirstName} ${contact.LastName}`).join(', ')}`,
  );
  return acme;
}

// ------------------------------------------------------------------------------------------- 2

async function refreshAfterCdmsEdit(
  app: App,
  emulator: CdmsEmulator,
  meter: RequestMeter,
  acme: Organisation,
): Promise<void> {
  heading('2) A CDMS user edits the organisation; the next get() refreshes it');

  const entriesBefore = (await app.sync.history(acme)).length;
  const inSync = await meter.measure('get (in sync)', () => Organisation.objects.get({ id: acme.id }));
  printRequests(meter, 'get() while both stores agree', inSync.requests);
  const entriesAfter = (await app.sync.history(acme)).length;
  say(
    `ModifiedOn equals the local modified: nothing refreshed, ${entriesAfter - entriesBefore} history entries written.`,
  );

  const edited = emulator.editAsCdmsUser('Account', requireGuid(acme.cdmsPk), {
    Name: 'Acme Trading Ltd',
    Telephone1: '+44 20 7946 0999',
  });
  say(`In CDMS, a user renames it to "${edited.Name}" (ModifiedOn ${formatCell(edited.ModifiedOn)}).`);

  const refreshed = await meter.measure('get (CDMS newer: refresh)', () =>
    Organisation.objects.get({ id: acme.id }),
  );
  printRequests(meter, 'get() after the CDMS edit', refreshed.requests);
  const organisation = refreshed.result;
  say(
    `Local row now: name "${organisation.name}", phone ${organisation.phone}, modified ${formatCell(organisation.modified)}; notes kept: "${organisation.notes}"`,
  );

  const saved = await meter.measure('save (update)', () =>
    app.sync.runAs({ user: 'alice', comment: 'alias agreed on the phone' }, () => {
      organisation.alias = 'ACME Ltd';
      organisation.notes = 'Prefers e-mail. (local-only)';
      return organisation.save();
    }),
  );
  printRequests(meter, 'alice: save() of a new alias (mapped) and notes (local-only)', saved.requests);
  const sent = Object.keys(lastBody(emulator, 'update') as object);
  say(
    colour.dim(
      `  MERGE sent only what changed: ${sent.join(', ')} (${sent.length} of the mapped attributes); notes stayed local.`,
    ),
  );

  Object.assign(acme, organisation);
  const history = await app.sync.history(acme);
  say('History of the organisation (newest first):');
  table(
    ['at', 'kind', 'user', 'comment', 'name', 'alias', 'phone'],
    history.map((entry) => [
      entry.createdAt.toISOString().slice(11, 23),
      entry.kind,
      entry.user,
      entry.comment,
      entry.data.name,
      entry.data.alias,
      entry.data.phone,
    ]),
  );
}

// ------------------------------------------------------------------------------------------- 3

async function importFromCdms(app: App, emulator: CdmsEmulator, meter: RequestMeter): Promise<void> {
  heading(`3) filter() imports records that exist only in CDMS (${CDMS_ONLY_ACCOUNTS} seeded Accounts)`);

  emulator.seed('Account', seedAccounts(CDMS_ONLY_ACCOUNTS));
  const matchingInCdms = emulator
    .records('Account')
    .filter((record) => /ltd/i.test(String(record.Name))).length;
  const localBefore = await Organisation.objects.skipCdms().count();
  say(
    `CDMS now holds ${emulator.records('Account').length} Accounts, ${matchingInCdms} with "ltd" in the name; the local store holds ${localBefore}.`,
  );

  const historyBefore = (await app.sync.history(Organisation)).length;
  const listsBefore = emulator.requestCount({ operation: 'list' });
  const search = await meter.measure('filter name__icontains (import)', () => searchOrganisations('ltd'));
  const listRequests = emulator.requestCount({ operation: 'list' }) - listsBefore;
  printRequests(meter, "searchOrganisations('ltd')", search.requests);
  const localAfter = await Organisation.objects.skipCdms().count();
  const historyAfter = (await app.sync.history(Organisation)).length;
  say(
    `${search.result.length} organisations returned; ${localAfter - localBefore} imported into the local store ` +
      `(${historyAfter - historyBefore} history entries); the emulator saw ${listRequests} list requests ` +
      '(pages of at most 50, following __next) and no per-row requests.',
  );
  table(
    ['id', 'name', 'city', 'uk', 'modified'],
    search.result
      .slice(0, 5)
      .map((organisation) => [
        organisation.id,
        organisation.name,
        organisation.city,
        organisation.ukOrganisation,
        organisation.modified,
      ]),
  );
  say(colour.dim(`… and ${search.result.length - 5} more`));

  const again = await meter.measure('filter again, sliced', () => searchOrganisations('ltd', { limit: 10 }));
  printRequests(meter, "searchOrganisations('ltd', { limit: 10 })", again.requests);
  const historyAgain = (await app.sync.history(Organisation)).length;
  say(
    `${again.result.length} rows; already in sync, so ${historyAgain - historyAfter} history entries were written.`,
  );
}

// ------------------------------------------------------------------------------------------- 4

async function failDuringSave(
  app: App,
  emulator: CdmsEmulator,
  meter: RequestMeter,
  acme: Organisation,
): Promise<void> {
  heading('4) CDMS fails during save(): a typed error, and the local row is unchanged');

  const historyBefore = (await app.sync.history(acme)).length;
  emulator.addFault(
    { operation: 'update', service: 'Account' },
    { type: 'status', status: 500, message: 'Generic SQL error.' },
  );
  say('The emulator now answers every Account update with 500 "Generic SQL error.".');

  const failed = await meter.measure('save (CDMS 500)', async () => {
    try {
      await renameOrganisation(acme, 'Acme Holdings');
      return undefined;
    } catch (error) {
      return error;
    }
  });
  emulator.clearFaults();
  printRequests(meter, "renameOrganisation(acme, 'Acme Holdings')", failed.requests);
  const error = failed.result;
  if (!isCdmsError(error)) throw new Error(`expected a CdmsError, got ${String(error)}`, { cause: error });
  say(`${colour.red(error.name)} code=${error.code} status=${error.status ?? '-'}`);
  say(colour.dim(error.message));

  const local = await Organisation.objects.skipCdms().get({ id: acme.id });
  const record = cdmsRecord(emulator, 'Account', acme.cdmsPk);
  const historyAfter = (await app.sync.history(acme)).length;
  say(
    `Local row: name "${local.name}" (unchanged), modified ${formatCell(local.modified)}; CDMS Name "${record.Name}"; history entries ${historyBefore} -> ${historyAfter}.`,
  );
  say(colour.dim(`The in-memory object still says "${acme.name}"; refreshFromDb() reloads it (no request).`));
  await acme.refreshFromDb();
}

// ------------------------------------------------------------------------------------------- 5

async function localOnlyQueries(
  emulator: CdmsEmulator,
  meter: RequestMeter,
  acme: Organisation,
): Promise<void> {
  heading('5) skipCdms(): the local store alone, and the final state of both stores');

  const local = await meter.measure('skipCdms queries', async () => ({
    organisations: await Organisation.objects.skipCdms().count(),
    uk: await Organisation.objects.skipCdms().filter({ ukOrganisation: true }).count(),
    inLeeds: await Organisation.objects.skipCdms().filter({ city: 'Leeds' }).orderBy('name').slice(0, 3),
    contacts: await Contact.objects.skipCdms().filter({ organisationId: acme.id }).orderBy('lastName'),
    withNotes: await Organisation.objects.skipCdms().filter({ notes__isnull: false }).count(),
  }));
  say(
    `count() = ${local.result.organisations}, UK organisations = ${local.result.uk}, with local notes = ${local.result.withNotes}`,
  );
  say(`first 3 in Leeds: ${local.result.inLeeds.map((organisation) => organisation.name).join(', ')}`);
  say(
    `Acme's contacts: ${local.result.contacts.map((contact) => `${contact.firstName} ${contact.lastName}`).join(', ')}`,
  );
  say(`CDMS requests for all of that: ${colour.green(String(local.requests.length))}`);

  const related = await meter.measure('contacts of (reverse FK)', () => contactsOf(acme));
  printRequests(
    meter,
    "With sync, the same contacts: acme.relatedSet(Contact, 'organisation')",
    related.requests,
  );

  say('Both stores side by side:');
  table(
    ['', 'local store', 'CDMS'],
    [
      ['organisations / Accounts', local.result.organisations, emulator.records('Account').length],
      ['contacts / Contacts', await Contact.objects.skipCdms().count(), emulator.records('Contact').length],
    ],
  );
  const rows = await Organisation.objects.skipCdms().orderBy('id').slice(0, 4);
  table(
    ['id', 'local name', 'CDMS Name', 'local modified', 'CDMS ModifiedOn', 'in sync'],
    rows.map((organisation) => {
      const record = cdmsRecord(emulator, 'Account', organisation.cdmsPk);
      const inSync = organisation.modified?.getTime() === (record.ModifiedOn as Date).getTime();
      return [
        organisation.id,
        organisation.name,
        record.Name,
        organisation.modified,
        record.ModifiedOn,
        inSync ? 'yes' : 'NO',
      ];
    }),
  );
}

// ------------------------------------------------------------------------------------------- 6

async function migrationOperations(app: App, emulator: CdmsEmulator, meter: RequestMeter): Promise<void> {
  heading('6) Backfill, poll and reconcile: every CDMS record, kept current, deletes found');

  const counts = async () => ({
    cdms: emulator.records('Account').length,
    local: await Organisation.objects.skipCdms().count(),
  });
  const before = await counts();
  say(
    `CDMS holds ${before.cdms} Accounts, the local store ${before.local}: nothing the app reads would ever bring the other ${before.cdms - before.local}.`,
  );

  const backfill = await meter.measure('backfill (all models)', () => app.sync.backfill());
  printRequests(meter, 'sync.backfill()', backfill.requests);
  table(
    ['model', 'rows read', 'pages', 'ranges'],
    backfill.result.models.map((model) => [model.model, model.rows, model.pages, model.ranges]),
  );
  const backfilled = await counts();
  say(
    `Local store: ${before.local} -> ${colour.bold(String(backfilled.local))} organisations (CDMS ${backfilled.cdms}): the ${backfilled.local - before.local} missing accounts arrived; rows already in sync were left alone.`,
  );

  const [first, second, third] = emulator.records('Account');
  emulator.editAsCdmsUser('Account', String(first?.AccountId), { Name: 'Renamed in CDMS' });
  const [created] = emulator.seed('Account', [{ Name: 'Created in CDMS Ltd', Address1_City: 'York' }]);
  say(`In CDMS, a user renames "${first?.Name}" and creates "${created?.Name}".`);
  const polled = await meter.measure('poll (2 CDMS changes)', () => app.sync.poll([Organisation]));
  printRequests(meter, 'sync.poll([Organisation])', polled.requests);
  const [organisations] = polled.result.models;
  say(
    `${organisations?.changes} changes applied; watermark ${formatCell(organisations?.watermark)} (CDMS's own ModifiedOn). ` +
      'Each poll re-reads the last 30 s (late commits): every record of this demo is that recent, so it reads them again and writes nothing for them.',
  );

  // A hard delete inside CDMS, made here through the client (the emulator logs it like any request).
  await meter.measure('CDMS user deletes 2 Accounts', async () => {
    await app.cdms.delete('Account', String(second?.AccountId));
    await app.cdms.delete('Account', String(third?.AccountId));
  });
  say(
    `In CDMS, a user deletes "${second?.Name}" and "${third?.Name}": no ModifiedOn changes, so no poll can see it.`,
  );
  const found = await meter.measure('reconcile (report)', () => app.sync.reconcile([Organisation]));
  printRequests(meter, 'sync.reconcile([Organisation])', found.requests);
  const [report] = found.result.models;
  say(
    `checked ${report?.checked}: ${report?.missingLocally.length} missing locally, ${report?.deletedInCdms.length} deleted in CDMS, ${report?.stale.length} stale, ${report?.localOnly.length} local-only`,
  );
  const repaired = await meter.measure('reconcile (repair)', () =>
    app.sync.reconcile([Organisation], { repair: true }),
  );
  printRequests(meter, 'sync.reconcile([Organisation], { repair: true })', repaired.requests);

  const after = await counts();
  const [status] = await app.sync.status([Organisation]);
  table(
    ['', 'before', 'backfilled', 'polled + reconciled'],
    [
      ['CDMS Accounts', before.cdms, backfilled.cdms, after.cdms],
      ['local organisations', before.local, backfilled.local, after.local],
    ],
  );
  say(
    `Status: backfill ${status?.backfill.state} (${status?.backfill.ranges.length} range), watermark ${formatCell(status?.watermark)}, last reconcile: ${status?.lastReconcile?.deletedInCdms} deleted in CDMS, repaired.`,
  );
}

// ------------------------------------------------------------------------------------------ summary

function printRequestSummary(emulator: CdmsEmulator, meter: RequestMeter): void {
  heading('CDMS requests per operation (measured)');
  table(
    ['operation', 'requests', 'sent'],
    meter.operations.map((operation) => [
      operation.label,
      meter.summarise(operation.requests),
      [
        ...new Set(
          operation.requests.map((request) => `${request.operation}:${request.status ?? request.errorCode}`),
        ),
      ].join(' '),
    ]),
  );
  const measured = meter.operations.reduce((sum, operation) => sum + operation.requests.length, 0);
  say(`Total measured by the client: ${measured}; received by the emulator: ${emulator.requestCount()}.`);
}

// ------------------------------------------------------------------------------------------ helpers

function printRequests(meter: RequestMeter, label: string, requests: readonly CdmsRequestEvent[]): void {
  say(`${label}: ${colour.bold(plural(meter.summarise(requests), requests.length))}`);
  for (const request of requests) say(colour.dim(`  ${meter.describe(request)}`));
}

/** `1 (1 POST)` -> `1 request (1 POST)`. */
function plural(summary: string, count: number): string {
  const [first, ...rest] = summary.split(' ');
  return [first, count === 1 ? 'CDMS request' : 'CDMS requests', ...rest].join(' ');
}

function cdmsRecord(emulator: CdmsEmulator, service: string, id: string | null): EmulatorRecord {
  const record = emulator.records(service).find((candidate) => candidate[`${service}Id`] === id);
  if (!record) throw new Error(`${service} ${String(id)} is missing from CDMS`);
  return record;
}

function referenceId(value: unknown): string | null {
  return typeof value === 'object' && value !== null && 'Id' in value
    ? ((value as { Id: string | null }).Id ?? null)
    : null;
}

function requireGuid(guid: string | null): string {
  if (!guid) throw new Error('the organisation has no CDMS id');
  return guid;
}

function lastBody(emulator: CdmsEmulator, operation: 'create' | 'update'): unknown {
  return emulator.requests.filter((request) => request.operation === operation).at(-1)?.body;
}

/** Accounts created by CDMS users before the new system existed. */
function seedAccounts(count: number): EmulatorInputRecord[] {
  const towns = ['Leeds', 'Bristol', 'Glasgow', 'Cardiff', 'Belfast', 'Leicester', 'Norwich', 'Durham'];
  const trades = ['Engineering', 'Foods', 'Textiles', 'Robotics', 'Ceramics', 'Optics'];
  return Array.from({ length: count }, (_, index) => {
    const town = towns[index % towns.length] as string;
    const trade = trades[Math.floor(index / towns.length) % trades.length] as string;
    const suffix = index % 12 === 11 ? 'plc' : 'Ltd';
    return {
      Name: `${town} ${trade} ${String(index + 1).padStart(3, '0')} ${suffix}`,
      optevia_ukorganisation: index % 5 !== 0,
      optevia_Country: { Id: COUNTRY_UNITED_KINGDOM, LogicalName: 'optevia_country' },
      optevia_UKRegion: {
        Id: town === 'Leeds' ? REGION_YORKSHIRE : REGION_LONDON,
        LogicalName: 'optevia_ukregion',
      },
      Address1_City: town,
      Telephone1: `+44 113 496 ${String(index).padStart(4, '0')}`,
    };
  });
}

main().catch((error: unknown) => {
  console.error(
    colour.red(
      `\nThe demo failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    ),
  );
  if (error instanceof Error && error.stack) console.error(colour.dim(error.stack));
  process.exitCode = 1;
});
