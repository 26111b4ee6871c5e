// Browser test of the review explorer (/_ui/) in Debian's headless Chromium, driven by
// playwright-core. It starts its own quarryd (port 0, temporary data dir, its own Redis), loads
// generated reviews plus a few hand-made documents, and checks what the page shows against the
// same searches sent to the REST API. Any console error or page error fails it, except the ones a
// step provokes on purpose (the 400 of a syntax error, the 404 of a missing index, the refused
// connection of a stopped server). Screenshots go to the artifacts directory.
//
//   node explorer.test.mjs --quarryd PATH --quarry PATH --source REPO --artifacts DIR
//                          [--chromium /usr/bin/chromium] [--docs 3000]
// Run by ctest (tests/CMakeLists.txt); needs `npm ci` in tests/e2e (scripts/test.sh does it).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = parseArgs(process.argv.slice(2));
const CHROMIUM = args.chromium || process.env.QUARRY_CHROMIUM || '/usr/bin/chromium';
const DOCS = Number(args.docs || 3000);
const PAGE_SIZE = 10;
for (const required of ['quarryd', 'quarry', 'source', 'artifacts']) {
  if (!args[required]) fail(`missing --${required}`);
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  fail('playwright-core is not installed: run `npm ci` in tests/e2e (scripts/test.sh does)');
}
try {
  accessSync(CHROMIUM, constants.X_OK);
} catch {
  fail(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (scripts/test.sh does)`);
}

function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i += 2) out[list[i].replace(/^--/, '')] = list[i + 1];
  return out;
}

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The server under test

const work = mkdtempSync(join(tmpdir(), 'quarry-e2e-'));
// However this script ends, the quarryd it started does not outlive it.
process.on('exit', () => { if (quarryd && quarryd.exitCode === null) quarryd.kill('SIGKILL'); });
mkdirSync(args.artifacts, { recursive: true });
let quarryd = null;
let base = '';

async function startQuarryd() {
  quarryd = spawn(args.quarryd, ['--host', '127.0.0.1', '--port', '0', '--data-dir', join(work, 'data')],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => quarryd.once('exit', (code) => resolve(code)));
  quarryd.exited = exited;
  // The first line is "quarryd listening on http://127.0.0.1:PORT ..." (see README).
  const lines = createInterface({ input: quarryd.stdout });
  let timer;
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    exited.then((code) => { throw new Error(`quarryd exited (${code}) before listening`); }),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('quarryd printed nothing in 30 s')), 30000); }),
  ]).finally(() => clearTimeout(timer));
  lines.on('line', () => {}); // keep draining its output
  const match = /^quarryd listening on (http:\/\/[0-9.]+:\d+)/.exec(first);
  if (!match) throw new Error(`unexpected first line from quarryd: ${first}`);
  base = match[1];
}

async function stopQuarryd() {
  if (!quarryd || quarryd.exitCode !== null) return;
  quarryd.kill('SIGTERM');
  await quarryd.exited;
}

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  return { status: res.status, json };
}

async function apiOk(method, path, body) {
  const { status, json } = await api(method, path, body);
  if (status >= 300) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
  return json;
}

function run(cmd, argv, { input } = {}) {
  const child = spawn(cmd, argv, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  if (input) input.pipe(child.stdin);
  const done = new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}`)))));
  return { child, done };
}

async function loadData() {
  // As the quick start does: the shipped review template gives the new index its mapping.
  const template = JSON.parse(readFileSync(join(args.source, 'scripts/steam_reviews_template.json'), 'utf8'));
  await apiOk('PUT', '/_index_template/steam-reviews', template);
  await apiOk('PUT', '/reviews');
  // quarry generate N --seed S | quarry load - --index reviews --id-field review_id --refresh
  const gen = run(args.quarry, ['generate', String(DOCS), '--seed', '7']);
  const load = run(args.quarry, ['load', '-', '--url', base, '--index', 'reviews', '--id-field', 'review_id', '--refresh'], { input: gen.child.stdout });
  load.child.stdout.resume();
  await Promise.all([gen.done, load.done]);
  // A review whose text and game name are HTML: the page must show them as text.
  await apiOk('PUT', '/reviews/_doc/hostile-1?refresh=true', {
    review_id: 'hostile-1', app_name: '<b>Bold</b> & <i>Sons</i>', language: 'english', recommended: false,
    review: 'zanzibarquux <script>window.__xss = 1</script> and <img src=x onerror="window.__xss = 2"> end',
    timestamp_created: 1600000000, votes_helpful: 3, steam_purchase: true, written_during_early_access: false,
    author: { playtime_forever: 90 },
  });
  // Any index works: one with dynamic mapping, and a dot index the picker must hide.
  for (const [id, doc] of [['1', { title: 'Fix the build', tag: 'work', done: true, created: '2024-05-01T10:00:00Z' }],
    ['2', { title: 'Buy bread', tag: 'home', done: false, created: '2024-05-02T10:00:00Z' }],
    ['3', { title: 'Write the docs', tag: 'work', done: false, created: '2024-06-03T10:00:00Z' }]]) {
    await apiOk('PUT', `/notes/_doc/${id}?refresh=true`, doc);
  }
  await apiOk('PUT', '/.quarry-internal', {});
}

// ---------------------------------------------------------------------------------------------
// The page

const problems = [];  // unexpected console errors and page errors
let allowed = [];     // errors a step provokes on purpose: {pattern}

function watch(page) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (!allowed.some((a) => a.pattern.test(text))) problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}

async function expectingErrors(pattern, fn) {
  const entry = { pattern };
  allowed.push(entry);
  try {
    return await fn();
  } finally {
    allowed = allowed.filter((a) => a !== entry);
  }
}

// Which document is loaded (its time origin) and how many renders it has finished.
const renderMark = (page) => page.evaluate(() => ({ origin: performance.timeOrigin, renders: Number(document.body.dataset.renders || 0) }));

// Runs `action` and waits until the page has finished the render it causes (in the same
// document, or in a new one when the action loaded the page afresh).
async function settle(page, action) {
  const before = await renderMark(page);
  await action();
  await page.waitForFunction((b) => {
    const renders = Number(document.body.dataset.renders || 0);
    const fresh = performance.timeOrigin !== b.origin;
    return (fresh ? renders > 0 : renders > b.renders) && document.body.dataset.status !== 'loading';
  }, before);
  return page.evaluate(() => document.body.dataset.status);
}

const shownIds = (page) => page.$$eval('#results article.hit', (els) => els.map((e) => e.dataset.id));
const shownTotal = async (page) => Number((await page.textContent('#result-count .total')).replace(/,/g, ''));
const hashParams = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));

// The search the page is expected to send, written independently of the page's code.
function searchBody({ q = '', filters = [], sort = 'relevance', from = 0, size = PAGE_SIZE } = {}) {
  const must = q ? [{ query_string: { query: q, default_field: 'review', default_operator: 'AND' } }] : [];
  const sortField = { relevance: '_score', helpful: { votes_helpful: 'desc' }, newest: { timestamp_created: 'desc' }, oldest: { timestamp_created: 'asc' } }[sort];
  return {
    from, size, track_total_hits: true,
    query: { bool: { must, filter: filters } },
    sort: [sortField, { review_id: 'asc' }],
  };
}

async function expected(opts) {
  const res = await apiOk('POST', '/reviews/_search', searchBody(opts));
  return { total: res.hits.total.value, ids: res.hits.hits.map((h) => h._id), hits: res.hits.hits };
}

async function expectShown(page, opts, label) {
  const want = await expected(opts);
  assert.equal(await shownTotal(page), want.total, `${label}: count`);
  assert.deepEqual(await shownIds(page), want.ids, `${label}: results`);
  return want;
}

// ---------------------------------------------------------------------------------------------
// Steps

const steps = [];
const step = (name, fn) => steps.push({ name, fn });

step('opening /_ui redirects to the page, which picks the reviews index and lists it all', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui`));
  assert.equal(new URL(page.url()).pathname, '/_ui/');
  assert.equal((await hashParams(page)).index, 'reviews');
  const options = await page.$$eval('#index-select option', (els) => els.map((e) => e.value));
  assert.deepEqual(options, ['notes', 'reviews'], 'dot indices are hidden');
  const want = await expectShown(page, {}, 'everything');
  const firstDate = await page.getAttribute('#results article.hit time', 'datetime');
  const api = await apiOk('POST', '/reviews/_search', { ...searchBody(), size: 1, fields: [{ field: 'timestamp_created', format: 'strict_date_optional_time' }] });
  assert.equal(firstDate, api.hits.hits[0].fields.timestamp_created[0]);
  assert.equal(want.total, DOCS + 1);
  // The chart has one bar group per bucket and the complaints list is filled.
  assert.ok(await page.locator('#chart svg .bar').count() > 10, 'chart bars');
  assert.ok(await page.locator('#complaints li button').count() > 0, 'complaint words');
  assert.match(await page.textContent('#positive-share'), /^\d+% positive/);
  await page.screenshot({ path: join(args.artifacts, '01-start.png'), fullPage: true });
});

step('a search shows the API\'s count and results, with highlighted matches', async (page) => {
  await page.getByRole('searchbox').fill('bugs');
  await settle(page, () => page.getByRole('searchbox').press('Enter'));
  assert.equal((await hashParams(page)).q, 'bugs');
  await expectShown(page, { q: 'bugs' }, 'q=bugs');
  const marks = await page.$$eval('#results mark', (els) => els.map((e) => e.textContent.toLowerCase()));
  assert.ok(marks.length > 0 && marks.every((m) => m === 'bugs'), `highlights: ${marks}`);
});

step('clicking a facet filters, shows a chip, and counts agree with the API', async (page) => {
  const english = page.locator('#facets button[data-field="language"][data-value="english"]');
  const shownCount = Number((await english.locator('.facet-count').innerText()).replace(/\D/g, ''));
  await settle(page, () => english.click());
  assert.equal(await english.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Remove filter Language: english' }).count(), 1);
  const filters = [{ terms: { language: ['english'] } }];
  const want = await expectShown(page, { q: 'bugs', filters }, 'bugs + english');
  assert.equal(shownCount, want.total, 'the facet count announced the filtered total');
  // The verdict facet counts match a terms aggregation over the same selection.
  const aggs = await apiOk('POST', '/reviews/_search', { ...searchBody({ q: 'bugs', filters }), size: 0, aggs: { v: { terms: { field: 'recommended' } } } });
  for (const b of aggs.aggregations.v.buckets) {
    const button = page.locator(`#facets button[data-field="recommended"][data-value="${b.key_as_string}"] .facet-count`);
    assert.equal(Number((await button.innerText()).replace(/\D/g, '')), b.doc_count, `verdict ${b.key_as_string}`);
  }
  await page.screenshot({ path: join(args.artifacts, '02-facet.png'), fullPage: true });
});

step('page 2 shows the next ten results', async (page) => {
  await settle(page, () => page.getByRole('button', { name: 'Page 2', exact: true }).click());
  assert.equal((await hashParams(page)).page, '2');
  await expectShown(page, { q: 'bugs', filters: [{ terms: { language: ['english'] } }], from: 10 }, 'page 2');
});

let page2Ids;
step('sorting by most helpful goes back to page 1 in that order', async (page) => {
  page2Ids = await shownIds(page);
  await settle(page, () => page.getByLabel('Sort by', { exact: true }).selectOption('helpful'));
  const params = await hashParams(page);
  assert.equal(params.sort, 'helpful');
  assert.equal(params.page, undefined);
  const want = await expectShown(page, { q: 'bugs', filters: [{ terms: { language: ['english'] } }], sort: 'helpful' }, 'most helpful');
  const votes = await page.locator('#results article.hit .votes').first().innerText();
  const top = want.hits[0]._source.votes_helpful;
  assert.ok(votes.includes(top ? top.toLocaleString('en') : 'no helpful votes'), `${votes} vs ${top}`);
});

step('back restores the previous page, sort and filter; forward returns', async (page) => {
  await settle(page, () => page.goBack());
  assert.equal(await page.inputValue('#sort-select'), 'relevance');
  assert.deepEqual(await shownIds(page), page2Ids);
  assert.equal(await page.getAttribute('button[aria-label="Page 2"]', 'aria-current'), 'page');
  await settle(page, () => page.goBack());
  assert.equal((await hashParams(page)).page, undefined);
  await settle(page, () => page.goBack());
  assert.equal(await page.locator('#facets button[aria-pressed="true"]').count(), 0, 'no facet selected before the click');
  assert.equal(await page.inputValue('#q'), 'bugs');
  await settle(page, () => page.goForward());
  assert.equal(await page.locator('#facets button[data-value="english"][aria-pressed="true"]').count(), 1);
});

step('a shared URL opens the same view; deep pages walk on with search_after', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews&sort=newest&page=10`));
  assert.equal(await page.inputValue('#sort-select'), 'newest');
  await expectShown(page, { sort: 'newest', from: 90 }, 'page 10');
  await settle(page, () => page.getByRole('button', { name: 'Next page' }).click());
  const params = await hashParams(page);
  assert.equal(params.page, '11');
  assert.ok(params.after, 'page 11 carries its search_after cursor');
  await expectShown(page, { sort: 'newest', from: 100 }, 'page 11 (search_after)');
  await settle(page, () => page.getByRole('button', { name: 'Next page' }).click());
  await expectShown(page, { sort: 'newest', from: 110 }, 'page 12 (search_after)');
  await settle(page, () => page.getByRole('button', { name: 'Previous page' }).click());
  assert.ok((await hashParams(page)).before, 'page 11 again, reached backwards');
  await expectShown(page, { sort: 'newest', from: 100 }, 'page 11 (reversed search_after)');
  await settle(page, () => page.getByRole('button', { name: 'Previous page' }).click());
  await expectShown(page, { sort: 'newest', from: 90 }, 'page 10 again');
});

step('date and helpful-votes ranges filter and show as chips', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews`));
  await page.fill('#votes-min', '5');
  await settle(page, () => page.press('#votes-min', 'Enter'));
  // Picking a date commits it (a change event), as a date picker does.
  await settle(page, () => page.fill('#date-from', '2019-01-01'));
  const filters = [
    { range: { timestamp_created: { gte: '2019-01-01', format: 'strict_date_optional_time' } } },
    { range: { votes_helpful: { gte: 5 } } },
  ];
  await expectShown(page, { filters }, 'ranges');
  assert.equal(await page.getByRole('button', { name: 'Remove filter Helpful votes: at least 5' }).count(), 1);
  await settle(page, () => page.getByRole('button', { name: 'Remove filter Date: from 2019-01-01' }).click());
  await expectShown(page, { filters: [filters[1]] }, 'date chip removed');
  // A bar of the chart narrows the dates to its bucket.
  await settle(page, () => page.locator('#chart .bar').last().click());
  const { from, to } = await hashParams(page);
  assert.ok(from && to && from <= to, `${from}..${to}`);
  await expectShown(page, {
    filters: [{ range: { timestamp_created: { gte: from, lte: `${to}||/d`, format: 'strict_date_optional_time' } } }, filters[1]],
  }, 'bar picked');
  assert.equal(await page.getByRole('button', { name: `Remove filter Date: ${from} to ${to}` }).count(), 1);
});

step('a review expands to its full text', async (page) => {
  const first = page.locator('#results article.hit').first();
  const id = await first.getAttribute('data-id');
  const toggle = first.locator('button.expand');
  assert.equal(await toggle.innerText(), 'Read the full review');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.ok(!(await first.locator('.full').isVisible()));
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(await toggle.innerText(), 'Show less');
  const doc = await apiOk('GET', `/reviews/_doc/${id}`);
  const shown = (await first.locator('.full').innerText()).replace(/\s+/g, ' ').trim();
  assert.equal(shown, doc._source.review.replace(/\s+/g, ' ').trim());
});

step('HTML in a review is shown as text, never run', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews&q=zanzibarquux`));
  assert.deepEqual(await shownIds(page), ['hostile-1']);
  const hit = page.locator('#results article.hit').first();
  assert.equal(await hit.locator('.hit-title').innerText(), '<b>Bold</b> & <i>Sons</i>');
  await hit.getByRole('button', { name: 'Read the full review' }).click();
  const full = await hit.locator('.full').innerText();
  assert.ok(full.includes('<script>window.__xss = 1</script>') && full.includes('<img src=x onerror="window.__xss = 2">'), full);
  assert.equal(await page.locator('#results img, #results script, #results b, #results i').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.screenshot({ path: join(args.artifacts, '03-html-as-text.png') });
});

step('a query with a syntax error shows the server\'s reason', async (page) => {
  const q = 'bugs AND (refund';
  const { status, json } = await api('POST', '/reviews/_search', searchBody({ q }));
  assert.equal(status, 400);
  const reason = json.error.root_cause[0].reason;
  await expectingErrors(/status of 400/, async () => {
    await page.getByRole('searchbox').fill(q);
    assert.equal(await settle(page, () => page.getByRole('button', { name: 'Search', exact: true }).click()), 'error');
  });
  const message = page.getByRole('alert');
  assert.ok(await message.isVisible());
  assert.ok((await message.innerText()).includes(reason), `alert shows: ${reason}`);
  assert.equal(await page.locator('#results article.hit').count(), 0);
  await page.screenshot({ path: join(args.artifacts, '04-syntax-error.png') });
});

step('a missing index gives a clear message', async (page) => {
  await expectingErrors(/status of 404/, async () => {
    assert.equal(await settle(page, () => page.goto(`${base}/_ui/#index=no-such-index`)), 'error');
  });
  const text = await page.getByRole('alert').innerText();
  assert.ok(text.includes('There is no index [no-such-index]') && text.includes('no such index [no-such-index]'), text);
});

step('any index: facets and sorts come from its mapping', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews`));
  await settle(page, () => page.getByLabel('Index', { exact: true }).selectOption('notes'));
  assert.equal(await shownTotal(page), 3);
  const titles = await page.$$eval('#facets .facet-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(titles, ['Done', 'Tag'], 'categories, not the titles searched');
  assert.equal(await page.textContent('#result-count'), '3 documents · showing 1–3');
  await settle(page, () => page.locator('#facets button[data-field="tag.keyword"][data-value="work"]').click());
  assert.equal(await shownTotal(page), 2);
  const sorts = await page.$$eval('#sort-select option', (els) => els.map((e) => e.value));
  assert.deepEqual(sorts, ['relevance', 'newest', 'oldest']);
});

step('keyboard: a facet works with the keyboard and keeps the focus', async (page) => {
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews`));
  const value = await page.locator('#facets button[data-field="language"]').nth(1).getAttribute('data-value');
  const button = page.locator(`#facets button[data-field="language"][data-value="${value}"]`);
  await button.focus();
  await settle(page, () => page.keyboard.press('Enter'));
  assert.equal(await button.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.value), value);
  await expectShown(page, { filters: [{ terms: { language: [value] } }] }, `${value} by keyboard`);
});

step('a phone-width window shows one column without horizontal scrolling', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await settle(page, () => page.goto(`${base}/_ui/#index=reviews&q=story`));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll');
  const toggle = page.getByRole('button', { name: 'Filters' });
  assert.ok(await toggle.isVisible());
  assert.ok(!(await page.locator('#facets').isVisible()));
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator('#facets').isVisible());
  await page.screenshot({ path: join(args.artifacts, '05-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

step('a stopped server gives a clear message', async (page) => {
  await stopQuarryd();
  await expectingErrors(/ERR_CONNECTION_REFUSED|Failed to fetch/, async () => {
    assert.equal(await settle(page, () => page.getByRole('button', { name: 'Search', exact: true }).click()), 'error');
  });
  const text = await page.getByRole('alert').innerText();
  assert.ok(text.includes('The server does not answer') && text.includes('Is the server running?'), text);
  await page.screenshot({ path: join(args.artifacts, '06-server-stopped.png') });
});

// ---------------------------------------------------------------------------------------------

let browser = null;
let passed = 0;
let failed = 0;
const started = Date.now();
try {
  await startQuarryd();
  await loadData();
  // --disable-dev-shm-usage: containers often give /dev/shm too little room for Chromium.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Waits are for conditions, not fixed delays: a generous limit only matters on a loaded machine.
  page.setDefaultTimeout(60000);
  watch(page);
  for (const { name, fn } of steps) {
    try {
      await fn(page);
      if (problems.length) throw new Error(problems.splice(0).join('\n'));
      passed += 1;
      console.log(`ok - ${name}`);
    } catch (err) {
      failed += 1;
      console.log(`not ok - ${name}\n  ${String(err.stack || err).replace(/\n/g, '\n  ')}`);
      await page.screenshot({ path: join(args.artifacts, `failed-${passed + failed}.png`), fullPage: true }).catch(() => {});
      break; // later steps build on this one
    }
  }
} catch (err) {
  failed += 1;
  console.log(`not ok - set-up\n  ${err.stack || err}`);
} finally {
  if (browser) await browser.close();
  await stopQuarryd();
  rmSync(work, { recursive: true, force: true });
}
console.log(`screenshots in ${args.artifacts}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
