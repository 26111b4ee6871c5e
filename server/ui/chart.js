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

// Short x-axis labels: "3 Mar" for days and weeks, "Mar 2021" for months, "Q1 2021", "2021".
function axisLabel(ms, interval) {
  if (interval !== 'day' && interval !== 'week') return bucketLabel(ms, interval);
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
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

// The last day of the bucket that starts at `ms`, as YYYY-MM-DD (UTC).
export function bucketEnd(ms, interval) {
  const d = new Date(ms);
  switch (interval) {
    case 'year': d.setUTCFullYear(d.getUTCFullYear() + 1); break;
    case 'quarter': d.setUTCMonth(d.getUTCMonth() + 3); break;
    case 'month': d.setUTCMonth(d.getUTCMonth() + 1); break;
    case 'week': d.setUTCDate(d.getUTCDate() + 7); break;
    default: d.setUTCDate(d.getUTCDate() + 1);
  }
  return new Date(d.getTime() - 1).toISOString().slice(0, 10);
}

// Draws into `container` (an element whose width the chart fills). Returns nothing; an empty
// selection shows a short note instead of axes. `onPick(from, to)`, when given, is called with a
// bar's first and last day when the bar is clicked (the date inputs do the same by keyboard).
export function drawChart(container, buckets, { interval, withVerdict, noun, onPick }) {
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
    const group = svg('g', { class: onPick ? 'bar pickable' : 'bar', 'data-key': bucket.key },
      svg('title', {}, onPick ? `${detail}. Click to show only these.` : detail));
    // A transparent full-height target, so that short bars are as easy to click as tall ones.
    group.append(svg('rect', { x: PAD.left + i * slot, width: slot, y: PAD.top, height: plotH, class: 'hit-area' }));
    if (onPick) group.addEventListener('click', () => onPick(new Date(bucket.key).toISOString().slice(0, 10), bucketEnd(bucket.key, interval)));
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
    const label = yearly ? String(yearOf(bucket)) : axisLabel(bucket.key, interval);
    // The last labels end at the plot's edge instead of running past it.
    const nearEnd = cx > width - PAD.right - 30;
    root.append(svg('text', {
      x: nearEnd ? width - PAD.right : cx, y: HEIGHT - 8, class: 'axis-label', 'text-anchor': nearEnd ? 'end' : 'middle',
    }, label));
  });
  container.append(root);
  container.append(el('p', { class: 'legend' },
    withVerdict ? [
      el('span', { class: 'swatch pos', 'aria-hidden': 'true' }), ' Recommended ',
      el('span', { class: 'swatch neg', 'aria-hidden': 'true' }), ' Not recommended',
    ] : null,
    onPick ? el('span', { class: 'legend-hint' }, 'Click a bar to show only its dates') : null));
}
