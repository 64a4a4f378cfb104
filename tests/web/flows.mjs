// The pages' flows in headless Debian Chromium, driven by playwright-core
// (never a browser downloaded by a test tool). Started by web_pages_test
// (tests/web/web_pages_test.cc), which serves the gateway in front of
// stand-in services and checks afterwards what reached them.
//
// Environment: KAOPING_WEB_URL (the gateway), KAOPING_WEB_TOKEN (a county
// team member's token), KAOPING_WEB_CODE (a rater's access code),
// KAOPING_WEB_SHOTS (where screenshots go).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.KAOPING_WEB_URL;
const teamToken = process.env.KAOPING_WEB_TOKEN;
const accessCode = process.env.KAOPING_WEB_CODE;
const shots = process.env.KAOPING_WEB_SHOTS;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Chromium as this machine runs it (closed network: no background
// connections), with a fresh profile.
const profile = mkdtempSync(join(tmpdir(), 'kaoping-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: DESKTOP,
  locale: 'zh-CN',
});
const problems = [];

async function newPage(viewport) {
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.setViewportSize(viewport);
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    // A script or style refused by the pages' Content-Security-Policy (a
    // CDN, an inline script) is a failure.
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

async function status(page) {
  return (await page.locator('#status').textContent()) || '';
}

// The dashboard's headline figures by name.
async function kpis(page) {
  return page.$$eval('#kpis .kpi', (nodes) => Object.fromEntries(nodes.map((n) => [n.querySelector('.name').textContent, n.querySelector('.value').textContent])));
}

async function openDashboard(page) {
  await page.goto(`${base}/web/dashboard.html?region=510114#token=${teamToken}`);
  await page.waitForSelector('body[data-loaded="510114"]');
  await page.waitForSelector('#grades svg');
}

async function dashboardBefore() {
  const page = await newPage(DESKTOP);
  await openDashboard(page);
  const k = await kpis(page);
  check(k['测评表'] === '40', `the dashboard shows 40 forms before: ${JSON.stringify(k)}`);
  check(k['核实属实的负面问题'] === '4', `and 4 confirmed leads: ${JSON.stringify(k)}`);
  check(!(await page.locator('script[src^="http"], link[href^="http"]').count()), 'every asset is local');
  await page.screenshot({ path: join(shots, 'dashboard-before.png'), fullPage: true });
  return page;
}

async function publicReport() {
  const page = await newPage(PHONE);
  await page.goto(`${base}/web/notice.html?region=510114`);
  await page.getByText('2026年县管干部考察预告').click();
  await page.waitForSelector('#report:not(.hidden)');
  // Validated before anything is sent.
  await page.click('#send');
  check((await status(page)).includes('请选择反映对象'), `a report without its subject is refused: ${await status(page)}`);
  await page.selectOption('#subject', 'regions/510114/campaigns/2026-adjust/subjects/s-1');
  await page.fill('#text', '他在项目验收期间收受了施工方的礼品卡，金额较大。');
  await page.check('input[name=kind][value=report]');
  await page.click('#report-form details summary');
  await page.fill('#name', '王某');
  await page.fill('#phone', '13800000000');
  await page.screenshot({ path: join(shots, 'notice.png'), fullPage: true });
  await page.click('#send');
  await page.waitForSelector('#receipt:not(.hidden)', { timeout: 60000 });
  const receipt = await page.locator('#receipt-text').textContent();
  check(receipt.includes('510114-2026-000123'), `the receipt number is shown: ${receipt}`);
  await page.close();
}

async function raterForm() {
  const page = await newPage(PHONE);
  await page.goto(`${base}/web/rater.html?region=510114`);
  await page.fill('#code', accessCode.toLowerCase().replace(/(.{4})/g, '$1 ').trim());
  await page.click('#redeem');
  await page.waitForSelector('#step-list:not(.hidden)');
  await page.getByRole('button', { name: '填写测评表' }).click();
  await page.waitForSelector('#step-form:not(.hidden)');
  check((await page.locator('#form-title').textContent()).includes('李明'), 'the subject is named');
  // The page checks the form before submitting: no overall grade yet.
  await page.click('#submit');
  check((await status(page)).includes('请选择总体评价'), `an incomplete form is refused by the page: ${await status(page)}`);
  for (const criterion of ['loyal-1', 'loyal-2', 'clean-1']) {
    await page.locator(`fieldset[data-criterion="${criterion}"] label:has(input[value="GOOD"])`).click();
  }
  await page.locator('.negative[data-item="neg-2"] label').click();
  await page.locator('.negative[data-item="neg-2"] textarea').fill('节日期间收受购物卡');
  await page.locator('#overall label:has(input[value="GOOD"])').click();
  await page.screenshot({ path: join(shots, 'rater-form.png'), fullPage: true });
  await page.click('#submit');
  await page.waitForSelector('#step-done:not(.hidden)');
  check((await page.locator('#done-text').textContent()).includes('不能修改'), 'a confirmation is shown');
  await page.screenshot({ path: join(shots, 'rater-done.png'), fullPage: true });
  await page.click('#next');
  await page.waitForSelector('#subjects .tag.green');
  await page.close();

  // The code cannot be used again (a new tab: a new session).
  const again = await newPage(PHONE);
  await again.goto(`${base}/web/rater.html?region=510114&code=${accessCode}`);
  await again.click('#redeem');
  await again.waitForFunction(() => document.querySelector('#status').textContent.length > 0);
  check((await status(again)).includes('访问码无效'), `a used code is refused: ${await status(again)}`);
  check(await again.locator('#step-code').isVisible(), 'and the form stays closed');
  await again.close();
}

async function verifyLead() {
  const page = await newPage(DESKTOP);
  await page.goto(`${base}/web/leads.html#token=${teamToken}`);
  const card = page.locator('article[data-lead="regions/510114/leads/l-1"]');
  await card.getByRole('button', { name: '开始核实' }).click();
  await card.locator('form.verify').waitFor();
  await card.locator('select[name=outcome]').selectOption('CONFIRMED');
  await card.locator('input[name=method]').fill('个别谈话、调阅资料');
  await card.locator('textarea[name=findings]').fill('经个别谈话和调阅资料，情况属实。');
  await card.getByRole('button', { name: '提交核实结论' }).click();
  await page.waitForFunction(() => document.querySelector('#status').textContent.includes('已记录核实结论'));
  await page.locator('article[data-lead="regions/510114/leads/l-1"] .tag.red').waitFor();
  await page.screenshot({ path: join(shots, 'leads.png'), fullPage: true });
  await page.close();
}

// The services' events invalidate the cached dashboard: reloads until it
// shows the new form and the confirmed lead (bounded).
async function dashboardAfter(page) {
  let k = {};
  for (let i = 0; i < 50; i += 1) {
    await page.reload();
    await page.waitForSelector('body[data-loaded="510114"]');
    k = await kpis(page);
    if (k['测评表'] === '41' && k['核实属实的负面问题'] === '5') break;
    await page.waitForTimeout(200);
  }
  check(k['测评表'] === '41' && k['核实属实的负面问题'] === '5', `the dashboard shows the form and the confirmed lead: ${JSON.stringify(k)}`);
  await page.screenshot({ path: join(shots, 'dashboard-after.png'), fullPage: true });
}

let failed = false;
try {
  const dashboard = await dashboardBefore();
  await publicReport();
  await raterForm();
  await verifyLead();
  await dashboardAfter(dashboard);
  check(!problems.length, `the pages reported errors:\n${problems.join('\n')}`);
  console.log('web flows: passed');
} catch (e) {
  failed = true;
  console.error(`web flows: ${e.stack || e}`);
  if (problems.length) console.error(problems.join('\n'));
  for (const page of context.pages()) {
    const shown = await page.locator('#status').textContent().catch(() => '');
    console.error(`${page.url()}: status "${shown}"`);
    if (process.env.KAOPING_WEB_DEBUG) console.error(await page.content());
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
