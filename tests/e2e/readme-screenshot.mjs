// Takes the README's picture of the review explorer (docs/review-explorer.png) from a running
// quarryd that holds the quick start's demo reviews (generated with --seed 42):
//   node tests/e2e/readme-screenshot.mjs http://127.0.0.1:9200 docs/review-explorer.png
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:9200', out = 'docs/review-explorer.png'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.QUARRY_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${base}/_ui/#index=reviews&q=multiplayer&f.language=english`);
  await page.waitForFunction(() => document.body.dataset.status === 'ready');
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
