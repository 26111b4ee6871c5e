// The review-volume chart: one bar per date_histogram bucket, split into recommended (bottom)
// and not recommended (top) when the index has a verdict field. Plain SVG drawn at the
// container's pixel width so that text keeps its size on any screen.

import { el, svg } from './dom.js';
import { formatCount } from './format.js';

const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 26, left: 44 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function bucketLabel(ms, interval) {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  switch (interval) {
    case 'year': return String(y);
    case 'quarter': return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${y}`;
    case 'month': return `${MONTHS[d.getUTCMonth()]} ${y}`;
    case 'week': return `week of ${d.toISOString().slice(0, 10)}`;
    default: return d.toISOString().slice(0, 10);
  }
}

// Round numbers for the y axis: 0, step, 2*step, ... covering `max` in about four steps.
function ticks(max) {
  if (max <= 0) return [0];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const out = [];
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(Math.round(v));
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

// Splits a bucket into [recommended, not recommended] (or [all, 0] without a verdict field).
function split(bucket, withVerdict) {
  if (!withVerdict || !bucket.verdict) return [bucket.doc_count, 0];
  let pos = 0;
  let neg = 0;
  for (const b of bucket.verdict.buckets) {
    if (b.key_as_string === 'true' || b.key === 1 || b.key === true) pos += b.doc_count;
    else neg += b.doc_count;
  }
  return [pos, neg];
}

// Draws into `container` (an element whose width the chart fills). Returns nothing; an empty
// selection shows a short note instead of axes.
export function drawChart(container, buckets, { interval, withVerdict, noun }) {
  container.replaceChildren();
  if (!buckets || !buckets.length) {
    container.append(el('p', { class: 'muted chart-empty' }, `No dated ${noun.many} in this selection.`));
    return;
  }
  const width = Math.max(280, Math.floor(container.clientWidth || 640));
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const values = buckets.map((b) => split(b, withVerdict));
  const max = Math.max(1, ...buckets.map((b) => b.doc_count));
  const yTicks = ticks(max);
  const yMax = yTicks[yTicks.length - 1];
  const y = (v) => PAD.top + plotH - (v / yMax) * plotH;
  const slot = plotW / buckets.length;
  const barW = Math.min(48, Math.max(1, slot * (buckets.length > 40 ? 0.85 : 0.7)));

  const total = buckets.reduce((n, b) => n + b.doc_count, 0);
  const busiest = buckets.reduce((best, b) => (b.doc_count > best.doc_count ? b : best), buckets[0]);
  const summary = `${noun.many[0].toUpperCase()}${noun.many.slice(1)} per ${interval} from ${bucketLabel(buckets[0].key, interval)} to ` +
    `${bucketLabel(buckets[buckets.length - 1].key, interval)}: ${formatCount(total)} in all, ` +
    `most in ${bucketLabel(busiest.key, interval)} (${formatCount(busiest.doc_count)}).`;

  const root = svg('svg', {
    width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': summary,
    class: 'chart-svg',
  });
  for (const t of yTicks) {
    root.append(svg('line', { x1: PAD.left, x2: width - PAD.right, y1: y(t), y2: y(t), class: 'grid' }));
    root.append(svg('text', { x: PAD.left - 6, y: y(t) + 4, class: 'axis-label', 'text-anchor': 'end' },
      formatCount(t)));
  }
  buckets.forEach((bucket, i) => {
    const [pos, neg] = values[i];
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const detail = withVerdict
      ? `${bucketLabel(bucket.key, interval)}: ${formatCount(bucket.doc_count)} ${noun.many}, ` +
        `${formatCount(pos)} recommended, ${formatCount(neg)} not recommended`
      : `${bucketLabel(bucket.key, interval)}: ${formatCount(bucket.doc_count)} ${noun.many}`;
    const group = svg('g', { class: 'bar' }, svg('title', {}, detail));
    if (pos > 0) group.append(svg('rect', { x, width: barW, y: y(pos), height: y(0) - y(pos), class: withVerdict ? 'pos' : 'all' }));
    if (neg > 0) group.append(svg('rect', { x, width: barW, y: y(pos + neg), height: y(pos) - y(pos + neg), class: 'neg' }));
    root.append(group);
  });
  root.append(svg('line', { x1: PAD.left, x2: width - PAD.right, y1: y(0), y2: y(0), class: 'axis' }));

  // x labels: years where the bars are months or longer, else dates; at least ~64 px apart.
  const yearly = interval !== 'day' && interval !== 'week' && buckets.length > 12;
  const yearOf = (b) => new Date(b.key).getUTCFullYear();
  let lastLabelX = -Infinity;
  buckets.forEach((bucket, i) => {
    if (yearly && i > 0 && yearOf(buckets[i - 1]) === yearOf(bucket)) return;
    const cx = PAD.left + i * slot + slot / 2;
    if (cx - lastLabelX < 64) return;
    lastLabelX = cx;
    const label = yearly ? String(yearOf(bucket)) : bucketLabel(bucket.key, interval).replace('week of ', '');
    root.append(svg('text', { x: cx, y: HEIGHT - 8, class: 'axis-label', 'text-anchor': 'middle' }, label));
  });
  container.append(root);
  if (withVerdict) {
    container.append(el('p', { class: 'legend' },
      el('span', { class: 'swatch pos', 'aria-hidden': 'true' }), ' Recommended ',
      el('span', { class: 'swatch neg', 'aria-hidden': 'true' }), ' Not recommended'));
  }
}
