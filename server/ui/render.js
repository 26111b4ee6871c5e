// Turns a _search response into the page's parts: result cards, facets, chips, the positive
// share, the complaints, the count and the pager. Pure DOM building (see dom.js: text nodes only);
// what a click does is decided by the callbacks in `actions`, supplied by app.js.

import { el, svg, highlighted } from './dom.js';
import { formatCount, formatDate, formatPlaytime } from './format.js';
import { valueLabel } from './schema.js';
import { PAGE_SIZE, FROM_SIZE_PAGES } from './state.js';

// A value at a dotted path, whether the source nests objects or uses dotted keys.
export function pathValue(source, path) {
  if (!source || !path) return undefined;
  if (path in source) return source[path];
  let node = source;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

function first(value) {
  return Array.isArray(value) ? value[0] : value;
}

function isTrue(value) {
  return value === true || value === 'true' || value === 1;
}

// Check / cross drawn in SVG (no icon font, no emoji: the same on every system).
function verdictIcon(positive) {
  return svg('svg', { class: 'icon', viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' },
    svg('path', { d: positive ? 'M3 8.5l3.2 3.2L13 4.8' : 'M4.2 4.2l7.6 7.6M11.8 4.2l-7.6 7.6' }));
}

export function verdictBadge(positive) {
  return el('span', { class: `verdict ${positive ? 'pos' : 'neg'}` },
    verdictIcon(positive), positive ? 'Recommended' : 'Not recommended');
}

function reviewParagraphs(text) {
  return String(text).split(/\n+/).filter((p) => p.trim()).map((p) => el('p', {}, p));
}

function renderHit(hit, schema, position) {
  const source = hit._source || {};
  const title = first(pathValue(source, schema.titleField)) ?? hit._id;
  const verdict = schema.verdictField ? pathValue(source, schema.verdictField) : undefined;
  const dateIso = schema.dateField && hit.fields && hit.fields[schema.dateField] && hit.fields[schema.dateField][0];
  const votes = schema.votesField ? pathValue(source, schema.votesField) : undefined;
  const playtime = schema.playtimeField ? pathValue(source, schema.playtimeField) : undefined;
  const language = pathValue(source, 'language');
  const text = schema.textField ? pathValue(source, schema.textField) : undefined;
  const fragment = schema.textField && hit.highlight && hit.highlight[schema.textField] && hit.highlight[schema.textField][0];
  const fullId = `full-${position}`;

  const meta = [];
  if (dateIso) meta.push(el('time', { datetime: dateIso }, formatDate(dateIso)));
  if (votes !== undefined) {
    meta.push(el('span', { class: 'votes' }, Number(votes) ? `${formatCount(Number(votes))} found this helpful` : 'no helpful votes yet'));
  }
  if (playtime !== undefined) meta.push(el('span', { class: 'playtime' }, `${formatPlaytime(playtime)} played`));
  if (typeof language === 'string') meta.push(el('span', { class: 'language' }, language));

  const snippet = el('p', { class: 'snippet' });
  if (fragment) {
    // Ellipses where the fragment cuts the review.
    const plain = fragment.replace(/[\u0001\u0002]/g, '');
    const at = typeof text === 'string' ? text.indexOf(plain) : -1;
    snippet.append(at > 0 ? '…' : '', highlighted(fragment), at >= 0 && at + plain.length < text.length ? '…' : '');
  } else if (typeof text === 'string') {
    snippet.append(text.length > 260 ? `${text.slice(0, 260)}…` : text);
  }

  const full = el('div', { id: fullId, class: 'full', hidden: true });
  if (typeof text === 'string') full.append(...reviewParagraphs(text));
  else full.append(el('pre', {}, JSON.stringify(source, null, 2)));

  const toggle = el('button', {
    type: 'button', class: 'link-button expand', 'aria-expanded': 'false', 'aria-controls': fullId,
    'data-focus-key': `expand:${hit._id}`,
  }, typeof text === 'string' ? `Read the full ${schema.noun.one}` : 'Show the document');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Show less' : (typeof text === 'string' ? `Read the full ${schema.noun.one}` : 'Show the document');
    full.hidden = !open;
    snippet.hidden = open;
  });

  return el('article', { class: 'hit', 'data-id': hit._id },
    el('header', { class: 'hit-head' },
      el('h3', { class: 'hit-title' }, String(title)),
      verdict === undefined || verdict === null ? null : verdictBadge(isTrue(verdict))),
    meta.length ? el('p', { class: 'hit-meta' }, meta.flatMap((m, i) => (i ? [el('span', { class: 'dot', 'aria-hidden': 'true' }, '·'), m] : [m]))) : null,
    snippet,
    full,
    toggle);
}

export function renderResults(container, response, schema, reversed) {
  const hits = [...response.hits.hits];
  if (reversed) hits.reverse();
  if (!hits.length) {
    // A shared URL can point past the last page once documents are gone.
    const text = response.hits.total && response.hits.total.value > 0
      ? 'This page is past the last result. Go back to an earlier page.'
      : `No ${schema.noun.many} match. Try fewer words or remove a filter.`;
    container.replaceChildren(el('p', { class: 'empty' }, text));
    return hits;
  }
  container.replaceChildren(...hits.map((hit, i) => renderHit(hit, schema, i)));
  return hits;
}

export function renderCount(node, total, state, noun) {
  if (total === 0) {
    node.textContent = `No ${noun.many} match`;
    return;
  }
  const start = Math.min(total, (state.page - 1) * PAGE_SIZE + 1);
  const end = Math.min(total, state.page * PAGE_SIZE);
  node.replaceChildren(
    el('strong', { class: 'total' }, formatCount(total)), ` ${total === 1 ? noun.one : noun.many}`,
    el('span', { class: 'muted' }, ` · showing ${formatCount(start)}–${formatCount(end)}`));
}

// One section per facet, each value a toggle button with its count. `expanded`: fields whose
// list shows more values.
export function renderFacets(container, response, schema, state, expanded, actions) {
  const aggs = response.aggregations || {};
  const sections = schema.facets.map((facet, i) => {
    const agg = aggs[`facet_${i}`];
    const buckets = (agg && agg.values && agg.values.buckets) || [];
    const selected = state.filters[facet.field] || [];
    const items = buckets.map((b) => ({ value: facet.boolean ? b.key_as_string : String(b.key), count: b.doc_count }));
    for (const value of selected) {
      if (!items.some((it) => it.value === value)) items.push({ value, count: null });
    }
    const headingId = `facet-h-${i}`;
    const list = el('ul', { class: 'facet-values' }, items.map((it) => {
      const pressed = selected.includes(it.value);
      return el('li', {}, el('button', {
        type: 'button', class: 'facet-value', 'aria-pressed': String(pressed),
        'data-field': facet.field, 'data-value': it.value, 'data-focus-key': `facet:${facet.field}:${it.value}`,
        onclick: () => actions.toggleFilter(facet.field, it.value),
      },
      facet.field === schema.verdictField ? verdictIconLabel(isTrue(it.value)) : el('span', { class: 'facet-label', title: valueLabel(facet, it.value) }, valueLabel(facet, it.value)),
      el('span', { class: 'facet-count' }, it.count === null ? '–' : formatCount(it.count),
        el('span', { class: 'visually-hidden' }, ` ${schema.noun.many}`))));
    }));
    const more = agg && agg.values && (agg.values.sum_other_doc_count > 0 || expanded.has(facet.field)) && !facet.boolean
      ? el('button', {
        type: 'button', class: 'link-button more', 'aria-expanded': String(expanded.has(facet.field)),
        'data-focus-key': `more:${facet.field}`, onclick: () => actions.toggleExpanded(facet.field),
      }, expanded.has(facet.field) ? 'Show fewer' : 'Show more')
      : null;
    return el('section', { class: 'facet', 'aria-labelledby': headingId },
      el('h2', { id: headingId, class: 'facet-title' }, facet.label),
      items.length ? list : el('p', { class: 'muted small' }, 'No values'),
      more);
  });
  container.replaceChildren(...sections);
}

function verdictIconLabel(positive) {
  return el('span', { class: `facet-label verdict-text ${positive ? 'pos' : 'neg'}` },
    verdictIcon(positive), positive ? 'Recommended' : 'Not recommended');
}

// The active filters as removable chips, plus "Clear all" when there are several.
export function renderChips(container, state, schema, actions) {
  const chips = [];
  for (const [field, values] of Object.entries(state.filters)) {
    const facet = schema.facetByField.get(field) || { field, label: field, boolean: false };
    for (const value of values) {
      const text = `${facet.label}: ${valueLabel(facet, value)}`;
      chips.push(chip(text, `chip:${field}:${value}`, () => actions.toggleFilter(field, value)));
    }
  }
  if (state.from || state.to) {
    const text = state.from && state.to ? `Date: ${state.from} to ${state.to}`
      : state.from ? `Date: from ${state.from}` : `Date: until ${state.to}`;
    chips.push(chip(text, 'chip:date', () => actions.clearRange('date')));
  }
  if (state.vmin || state.vmax) {
    const text = state.vmin && state.vmax ? `Helpful votes: ${state.vmin} to ${state.vmax}`
      : state.vmin ? `Helpful votes: at least ${state.vmin}` : `Helpful votes: at most ${state.vmax}`;
    chips.push(chip(text, 'chip:votes', () => actions.clearRange('votes')));
  }
  if (chips.length > 1) {
    chips.push(el('button', { type: 'button', class: 'link-button clear-all', 'data-focus-key': 'chip:all', onclick: actions.clearAll }, 'Clear all filters'));
  }
  container.replaceChildren(...chips);
  container.hidden = chips.length === 0;
}

function chip(text, key, onRemove) {
  return el('button', { type: 'button', class: 'chip', 'aria-label': `Remove filter ${text}`, 'data-focus-key': key, onclick: onRemove },
    el('span', {}, text), el('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'));
}

export function renderPositiveShare(node, selection) {
  if (!selection || !selection.positive || !selection.doc_count) {
    node.replaceChildren();
    return;
  }
  const share = selection.positive.doc_count / selection.doc_count;
  const percent = Math.round(share * 100);
  node.replaceChildren(
    el('span', { class: 'share-value' }, `${percent}% positive`),
    el('span', { class: 'share-bar', 'aria-hidden': 'true' }, el('span', { class: 'share-fill', style: { width: `${percent}%` } })),
    el('span', { class: 'muted small' }, `${formatCount(selection.positive.doc_count)} of ${formatCount(selection.doc_count)} recommend`));
}

export function renderComplaints(list, card, selection, actions) {
  const words = selection && selection.complaints && selection.complaints.sample && selection.complaints.sample.words;
  card.hidden = !words;
  if (!words) return;
  const sampled = selection.complaints.sample.doc_count;
  if (!words.buckets.length) {
    list.replaceChildren(el('li', { class: 'muted small none' }, sampled ? 'Nothing stands out.' : 'No negative reviews in this selection.'));
    return;
  }
  list.replaceChildren(...words.buckets.map((b) => el('li', {},
    el('button', {
      type: 'button', class: 'word', 'data-focus-key': `word:${b.key}`,
      title: `Add “${b.key}” to the search`, onclick: () => actions.addWord(b.key),
    },
    el('span', { class: 'word-text' }, b.key),
    el('span', { class: 'word-count' }, formatCount(b.doc_count),
      el('span', { class: 'visually-hidden' }, ` of ${formatCount(sampled)} negative reviews sampled`))))));
}

// Previous, the from/size pages by number, the current deep page, Next. `hits`: the hits shown
// (in display order), whose sort values are the cursors of the neighbouring deep pages.
export function renderPager(nav, total, state, hits, actions) {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) {
    nav.replaceChildren();
    return;
  }
  const items = [];
  const prevTarget = state.page <= 1 ? null
    : state.page - 1 <= FROM_SIZE_PAGES ? { page: state.page - 1, after: null, before: null }
      : { page: state.page - 1, after: null, before: hits.length ? hits[0].sort : null };
  const nextTarget = state.page >= pages || !hits.length ? null
    : state.page + 1 <= FROM_SIZE_PAGES ? { page: state.page + 1, after: null, before: null }
      : { page: state.page + 1, after: hits[hits.length - 1].sort, before: null };
  items.push(pageButton('‹ Previous', prevTarget, 'pager:prev', actions, 'Previous page'));
  const numbered = Math.min(pages, FROM_SIZE_PAGES);
  for (let p = 1; p <= numbered; p++) {
    const current = p === state.page;
    items.push(el('button', {
      type: 'button', class: 'page-number', 'aria-current': current ? 'page' : false,
      'aria-label': `Page ${p}`, 'data-focus-key': `pager:${p}`,
      onclick: current ? null : () => actions.goToPage({ page: p, after: null, before: null }),
    }, String(p)));
  }
  if (state.page > FROM_SIZE_PAGES) {
    items.push(el('span', { class: 'page-gap', 'aria-hidden': 'true' }, '…'));
    items.push(el('span', { class: 'page-number deep', 'aria-current': 'page' }, `Page ${formatCount(state.page)}`));
  }
  items.push(pageButton('Next ›', nextTarget, 'pager:next', actions, 'Next page'));
  if (pages > FROM_SIZE_PAGES) items.push(el('span', { class: 'page-total muted' }, `${formatCount(pages)} pages`));
  nav.replaceChildren(...items);
}

function pageButton(text, target, key, actions, label) {
  return el('button', {
    type: 'button', class: 'page-step', disabled: !target, 'aria-label': label, 'data-focus-key': key,
    onclick: target ? () => actions.goToPage(target) : null,
  }, text);
}
