// One _search body per interaction: the page of hits, the facet counts, the chart, the share of
// positive reviews and the complaints all come back from the same request.
//
// Filters work as in most faceted search pages: the query text and the date / votes ranges narrow
// everything; facet selections go in post_filter, so that each facet still counts the values one
// could add to it (its own selection left out, the other facets' selections applied), while the
// hits, the chart and the complaints see every selection.

import { PAGE_SIZE, FROM_SIZE_PAGES } from './state.js';

// Highlight markers: control characters that never occur in review text (see dom.js highlighted()).
export const PRE_TAG = '\u0001';
export const POST_TAG = '\u0002';

const FACET_SIZE = 8;
const FACET_SIZE_EXPANDED = 50;
const SAMPLE_PER_SHARD = 200;
const COMPLAINT_WORDS = 12;

function textClauses(state, schema) {
  if (!state.q.trim()) return [];
  const qs = { query: state.q, default_operator: 'AND' };
  if (schema.textField) qs.default_field = schema.textField;
  return [{ query_string: qs }];
}

function rangeClauses(state, schema) {
  const filter = [];
  if (schema.dateField && (state.from || state.to)) {
    const range = { format: 'strict_date_optional_time' };
    if (state.from) range.gte = state.from;
    if (state.to) range.lte = `${state.to}||/d`; // the whole last day
    filter.push({ range: { [schema.dateField]: range } });
  }
  if (schema.votesField && (state.vmin || state.vmax)) {
    const range = {};
    if (state.vmin) range.gte = Number(state.vmin);
    if (state.vmax) range.lte = Number(state.vmax);
    filter.push({ range: { [schema.votesField]: range } });
  }
  return filter;
}

// The query part shared by hits and aggregations: text and ranges.
function baseQuery(state, schema) {
  const must = textClauses(state, schema);
  const filter = rangeClauses(state, schema);
  if (!must.length && !filter.length) return { match_all: {} };
  return { bool: { must, filter } };
}

// The plain words of the query (no operators, fields or quotes), lower-cased: the complaints
// leave them out, since every matching review has them.
function queryWords(q) {
  return [...new Set(q.toLowerCase().replace(/\b[\w.]+:/g, ' ').split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !['and', 'or', 'not', 'to'].includes(w)))];
}

function facetClauses(state, schema, except = null) {
  const clauses = [];
  for (const [field, values] of Object.entries(state.filters)) {
    if (field === except || !values.length || !schema.facetByField.has(field)) continue;
    clauses.push({ terms: { [field]: values } });
  }
  return clauses;
}

function asFilter(clauses) {
  return clauses.length ? { bool: { filter: clauses } } : { match_all: {} };
}

function reverseSort(sort) {
  return sort.map((entry) => {
    if (entry === '_score') return { _score: 'asc' };
    const [field, order] = Object.entries(entry)[0];
    return { [field]: order === 'desc' ? 'asc' : 'desc' };
  });
}

// `interval`: the date_histogram calendar_interval for the chart (see chartInterval()).
// `expanded`: facet fields whose list the person opened to show more values.
// Returns {body, reversed}: when `reversed`, the hits come in reverse order (a deep page reached
// with Previous is fetched as search_after in the opposite order) and the caller flips them.
export function buildSearchBody(state, schema, { interval, expanded = new Set() }) {
  const query = baseQuery(state, schema);
  const allFacets = facetClauses(state, schema);
  const sortSpec = (schema.sorts.find((s) => s.value === state.sort) || schema.sorts[0]).sort;

  const body = {
    size: PAGE_SIZE,
    track_total_hits: true,
    query,
    sort: sortSpec,
  };
  let reversed = false;
  if (state.page <= FROM_SIZE_PAGES) {
    body.from = (state.page - 1) * PAGE_SIZE;
  } else if (state.after) {
    body.search_after = state.after;
  } else if (state.before) {
    body.sort = reverseSort(sortSpec);
    body.search_after = state.before;
    reversed = true;
  }
  if (allFacets.length) body.post_filter = asFilter(allFacets);
  if (schema.dateField) body.fields = [{ field: schema.dateField, format: 'strict_date_optional_time' }];
  if (schema.textField) {
    body.highlight = {
      pre_tags: [PRE_TAG],
      post_tags: [POST_TAG],
      fields: { [schema.textField]: { fragment_size: 260, number_of_fragments: 1, no_match_size: 260 } },
    };
  }

  const aggs = {};
  schema.facets.forEach((facet, i) => {
    const size = facet.boolean ? 2 : expanded.has(facet.field) ? FACET_SIZE_EXPANDED : FACET_SIZE;
    aggs[`facet_${i}`] = {
      filter: asFilter(facetClauses(state, schema, facet.field)),
      aggs: { values: { terms: { field: facet.field, size } } },
    };
  });

  const selection = {};
  if (schema.dateField && interval) {
    selection.volume = {
      date_histogram: { field: schema.dateField, calendar_interval: interval, min_doc_count: 0 },
    };
    if (schema.verdictField) {
      selection.volume.aggs = { verdict: { terms: { field: schema.verdictField, size: 2 } } };
    }
  }
  if (schema.verdictField) {
    selection.positive = { filter: { term: { [schema.verdictField]: true } } };
    if (schema.textField) {
      // The words of the negative reviews in a sample of the best matches, scored against the
      // reviews of the population chosen with facets and ranges (the whole index without them):
      // what sets these complaints apart from what everybody writes about. The query text and a
      // verdict selection stay out of the background, or it would be the foreground itself.
      const significant = { field: schema.textField, size: COMPLAINT_WORDS };
      const words = queryWords(state.q);
      if (words.length) significant.exclude = words;
      const population = [...rangeClauses(state, schema), ...facetClauses(state, schema, schema.verdictField)];
      if (population.length) significant.background_filter = { bool: { filter: population } };
      selection.complaints = {
        filter: { term: { [schema.verdictField]: false } },
        aggs: {
          sample: {
            sampler: { shard_size: SAMPLE_PER_SHARD },
            aggs: { words: { significant_text: significant } },
          },
        },
      };
    }
  }
  if (Object.keys(selection).length) {
    aggs.selection = { filter: asFilter(allFacets), aggs: selection };
  }
  body.aggs = aggs;
  return { body, reversed };
}

// Day, week, month, quarter or year: the finest that keeps the chart at most ~90 bars over
// [minMs, maxMs].
export function chartInterval(minMs, maxMs) {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs < minMs) return 'month';
  const days = (maxMs - minMs) / 86400000;
  if (days <= 90) return 'day';
  if (days / 7 <= 90) return 'week';
  if (days / 30.4 <= 90) return 'month';
  if (days / 91.3 <= 90) return 'quarter';
  return 'year';
}

// The date span of an index's date field, fetched once per index to pick the chart's interval.
export function spanBody(schema) {
  return {
    size: 0,
    track_total_hits: false,
    aggs: { span: { stats: { field: schema.dateField } } },
  };
}
