/**
 * The console in a real browser (Debian's chromium through playwright-core): what a person sees and does, checked
 * against what the clouds' SDKs then read. Screenshots land in test/artifacts/console/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLayerVersionCommand, GetLayerVersionPolicyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { expectAwsError, lambdaClient, publish } from '../../helpers/aws.js';
import { openBrowser, focusRing, haveChromium, screenshot, tabTo, type Browser } from '../../helpers/browser.js';
import { create23, fc23, smallZip as fcZip, type FC23Client } from '../../helpers/fc.js';
import { makeZip } from '../../helpers/zips.js';
import { readEntries } from '../../helpers/zip-entries.js';

const ONE = { account: '111111111111', region: 'us-east-1' };
const TWO = { account: '222222222222', region: 'eu-west-1' };
const MANY = { account: '444444444444', region: 'us-west-2' };
const FC_ACCOUNT = '1234567890123456';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

describe.skipIf(!haveChromium)('console in a browser', () => {
  let t: TestApp, browser: Browser, files: string;
  let one: LambdaClient, two: LambdaClient, fc: FC23Client;

  beforeAll(async () => {
    t = await startTestApp({ STRATA_FC_ACCESS_KEYS: 'AK1=111,AK2=222' });
    browser = await openBrowser();
    files = await mkdtemp(join(tmpdir(), 'strata-console-files-'));
    one = lambdaClient(t.url, { accessKeyId: ONE.account, region: ONE.region });
    two = lambdaClient(t.url, { accessKeyId: TWO.account, region: TWO.region });
    fc = fc23(t.url);
    // Two AWS accounts in two regions and two FC accounts, published through the SDKs.
    await publish(one, 'shared-utils', { Description: 'helpers', CompatibleRuntimes: ['nodejs20.x'] });
    await publish(two, 'alpha');
    await publish(two, 'alpha');
    await publish(two, 'beta', { CompatibleArchitectures: ['arm64'] });
    await create23(fc23(t.url, { accessKeyId: 'AK1' }), 'fc-one', await fcZip());
    await create23(fc23(t.url, { accessKeyId: 'AK2' }), 'fc-two', await fcZip());
    await create23(fc, 'fc-default', await fcZip());
    // More layers than one page (50) holds.
    const many = lambdaClient(t.url, { accessKeyId: MANY.account, region: MANY.region });
    for (let i = 0; i < 52; i += 13) {
      await Promise.all(Array.from({ length: 13 }, (_, j) => publish(many, `layer-${String(i + j).padStart(2, '0')}`)));
    }
    many.destroy();
  });
  afterAll(async () => {
    await browser?.close();
    await rm(files, { recursive: true, force: true });
    await t?.close();
  });

  async function open(hash = ''): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('close', () => expect(errors, 'errors in the page').toEqual([]));
    await page.goto(`${t.url}/_strata/console/${hash}`);
    await page.waitForSelector('body[data-ready]');
    return page;
  }

  const scopeLink = (page: Page, account: string, region: string) => page.getByRole('link', { name: new RegExp(`^${account} ${region} `) });

  async function fileOf(name: string, bytes: Buffer): Promise<string> {
    const path = join(files, name);
    await writeFile(path, bytes);
    return path;
  }

  it('console: lists every account and region holding layers, under its cloud; choosing one shows its layers', async () => {
    const page = await open();
    const aws = page.getByRole('region', { name: 'AWS Lambda', exact: true });
    const fcGroup = page.getByRole('region', { name: 'Alibaba Cloud Function Compute', exact: true });
    expect(await aws.getByRole('link').allInnerTexts()).toEqual([
      '000000000000\nus-east-1\n0 layers, 0 versions',
      '111111111111\nus-east-1\n1 layer, 1 version',
      '222222222222\neu-west-1\n2 layers, 3 versions',
      '444444444444\nus-west-2\n52 layers, 52 versions',
    ]);
    expect(await fcGroup.getByRole('link').allInnerTexts()).toEqual([
      '111\ncn-hangzhou\n1 layer, 1 version',
      '1234567890123456\ncn-hangzhou\n1 layer, 1 version',
      '222\ncn-hangzhou\n1 layer, 1 version',
    ]);
    await scopeLink(page, TWO.account, TWO.region).click();
    await expect.poll(() => page.locator('#layer-list tbody tr td:first-child').allInnerTexts()).toEqual(['alpha', 'beta']);
    expect(await page.locator('#layers-title').innerText()).toBe('Layers in AWS Lambda');
    expect(await page.locator('#scope-line').innerText()).toBe('Account 222222222222, region eu-west-1');
    await page.getByRole('link', { name: 'alpha' }).click();
    await expect.poll(() => page.locator('#version-list tbody tr td:first-child').allInnerTexts()).toEqual(['Version 2', 'Version 1']);
    await screenshot(page, '1-browse-aws');
    await scopeLink(page, '222', 'cn-hangzhou').click();
    await expect.poll(() => page.locator('#layer-list tbody tr td:first-child').allInnerTexts()).toEqual(['fc-two']);
    // Another account, typed in: empty until something is published there.
    await page.getByLabel('Cloud', { exact: true }).selectOption('aws');
    await page.getByLabel('Account ID', { exact: true }).fill('333333333333');
    await page.getByLabel('Region', { exact: true }).fill('ap-south-1');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('#layer-list').innerText()).toBe('No layers here yet. Publish one with the form.');
    await page.close();
  });

  it('console: long lists come a page at a time; "Show more layers" appends the next page and takes the focus', async () => {
    const page = await open(`#/aws/${MANY.account}/${MANY.region}`);
    const names = () => page.locator('#layer-list tbody tr td:first-child').allInnerTexts();
    await expect.poll(names).toHaveLength(50);
    expect((await names())[49]).toBe('layer-49');
    await page.getByRole('button', { name: 'Show more layers' }).click();
    await expect.poll(names).toHaveLength(52);
    expect((await names()).slice(48)).toEqual(['layer-48', 'layer-49', 'layer-50', 'layer-51']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('layer-50');
    expect(await page.getByRole('button', { name: 'Show more layers' }).isHidden()).toBe(true);
    await page.close();
  });

  it('console: publish a zip (with a progress bar), see the version, download the same bytes, delete it', async () => {
    const page = await open(`#/aws/${ONE.account}/${ONE.region}`);
    // 3 MiB that do not deflate, sent at 1 MiB/s, so the progress bar is seen moving.
    const zip = await makeZip({ 'python/data.bin': randomBytes(3 << 20), 'python/mod.py': 'X = 1\n' }, { compress: false });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1 << 20 });
    await page.getByLabel('Layer name').fill('from-zip');
    await page.getByLabel('Zip file', { exact: true }).setInputFiles(await fileOf('from-zip.zip', zip));
    await page.getByLabel('Description (optional)').fill('published in the browser');
    await page.getByLabel('python3.12', { exact: true }).check();
    // Every text the progress line shows, as it changes.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      const line = document.getElementById('progress-text')!;
      new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, { childList: true, characterData: true, subtree: true });
    });
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForFunction(() => {
      const value = Number((document.getElementById('publish-progress') as HTMLProgressElement).value);
      return value >= 20 && value < 100 && /\(\d+%\)$/.test(document.getElementById('progress-text')!.textContent ?? '');
    });
    await screenshot(page, '2-upload-progress');
    await expect.poll(() => page.locator('#status').innerText(), { timeout: 20_000 }).toBe('Published version 1 of from-zip.');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    const percents = seen.map((text) => /^[\d.]+ (?:bytes|KiB|MiB) of 3\.0 MiB \((\d+)%\)$/.exec(text)?.[1]).filter((p) => p !== undefined).map(Number);
    expect(percents.filter((p) => p > 0 && p < 100).length, seen.join(' | ')).toBeGreaterThanOrEqual(2);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(seen.at(-1)).toBe('Uploaded; Strata is checking and storing it…');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await page.locator('#version-title').innerText()).toBe('from-zip, version 1');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('version-title');
    expect(await page.locator('[data-checksum="CodeSha256"]').innerText()).toBe(sha256(zip).toString('base64'));
    const fields = Object.fromEntries((await page.locator('table.fields tr').allInnerTexts()).map((r) => r.split('\t')));
    expect(fields).toMatchObject({
      'Content.CodeSha256': sha256(zip).toString('base64'),
      'Content.CodeSize': String(zip.length),
      LayerArn: 'arn:aws:lambda:us-east-1:111111111111:layer:from-zip',
      LayerVersionArn: 'arn:aws:lambda:us-east-1:111111111111:layer:from-zip:1',
      Description: 'published in the browser',
      Version: '1',
      CompatibleRuntimes: 'python3.12',
    });
    const sdk = await one.send(new GetLayerVersionCommand({ LayerName: 'from-zip', VersionNumber: 1 }));
    expect(sdk.Content?.CodeSha256).toBe(sha256(zip).toString('base64'));
    expect(sdk.CompatibleRuntimes).toEqual(['python3.12']);
    await screenshot(page, '3-version-aws');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download zip' }).click()]);
    expect(download.suggestedFilename()).toBe('from-zip-1.zip');
    expect((await readFile((await download.path())!)).equals(zip)).toBe(true);

    await page.getByRole('button', { name: 'Delete version 1…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete version 1 of from-zip?' });
    await dialog.waitFor();
    expect(await dialog.locator('#delete-text').innerText()).toBe(
      'Its content is deleted too, from AWS Lambda account 111111111111, region us-east-1. Its number is never reused.',
    );
    await screenshot(page, '4-delete-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Deleted version 1 of from-zip.');
    await expectAwsError(one.send(new GetLayerVersionCommand({ LayerName: 'from-zip', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    await expect.poll(() => page.locator('#version-section').isHidden()).toBe(true);
    await page.close();
  });

  it('console: a folder for AWS is zipped as the AWS CLI zips one (walk order, relative names, files only)', async () => {
    const dir = join(files, 'aws-layer');
    const put = async (path: string, text: string, mtime: number) => {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
      await utimes(join(dir, path), mtime / 1000, mtime / 1000);
    };
    await put('python/pkg/mod.py', 'Y = 2\n', Date.UTC(2025, 2, 1, 10, 0, 0));
    await put('python/pkg/__init__.py', '', Date.UTC(2025, 2, 1, 10, 0, 2));
    await put('python/zeta.txt', 'z', Date.UTC(2025, 2, 1, 10, 0, 4));
    await put('README.txt', 'read me', Date.UTC(2025, 2, 1, 10, 0, 6));
    const page = await open(`#/aws/${ONE.account}/${ONE.region}`);
    await page.getByLabel('Layer name').fill('from-folder');
    await page.getByLabel('A folder, zipped as the AWS CLI and SAM zip one').check();
    await page.getByLabel('Folder', { exact: true }).setInputFiles(dir);
    expect(await page.locator('#folder-hint').innerText()).toBe(
      '4 files in aws-layer, 14 bytes, zipped as the AWS CLI and SAM zip a folder (e.g. README.txt).',
    );
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Published version 1 of from-folder.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download zip' }).click()]);
    const entries = await readEntries(await readFile((await download.path())!));
    // os.walk, top down: a directory's files, then its subdirectories'.
    expect(entries.map((e) => [e.name, e.mode, e.mtime.getTime(), e.data.toString()])).toEqual([
      ['README.txt', 0o100755, Date.UTC(2025, 2, 1, 10, 0, 6), 'read me'],
      ['python/zeta.txt', 0o100755, Date.UTC(2025, 2, 1, 10, 0, 4), 'z'],
      ['python/pkg/__init__.py', 0o100755, Date.UTC(2025, 2, 1, 10, 0, 2), ''],
      ['python/pkg/mod.py', 0o100755, Date.UTC(2025, 2, 1, 10, 0, 0), 'Y = 2\n'],
    ]);
    await page.close();
  });

  it('console: a folder for FC is zipped as Serverless Devs zips one (its sort, the fixed time), and the ACL toggles', async () => {
    const dir = join(files, 'fc-layer');
    for (const [path, text] of [['nodejs/index.js', 'i'], ['B.txt', 'b'], ['a.txt', 'a'], ['@scope/x.js', 'x']] as const) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const page = await open(`#/fc/${FC_ACCOUNT}/cn-hangzhou`);
    await page.getByLabel('Layer name').fill('fc-folder');
    await page.getByLabel('A folder, zipped as Serverless Devs zip one').check();
    await page.getByLabel('Folder', { exact: true }).setInputFiles(dir);
    expect(await page.locator('#architecture-field').isHidden()).toBe(true);
    await page.getByLabel('nodejs20', { exact: true }).check();
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Published version 1 of fc-folder.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download zip' }).click()]);
    const entries = await readEntries(await readFile((await download.path())!));
    // ignore-walk's localeCompare('en'), '@' names sorted as './@…'; every file 0777 at 2023-11-01.
    expect(entries.map((e) => [e.name, e.mode, e.mtime.getTime()])).toEqual([
      ['@scope/x.js', 0o100777, Date.UTC(2023, 10, 1)],
      ['a.txt', 0o100777, Date.UTC(2023, 10, 1)],
      ['B.txt', 0o100777, Date.UTC(2023, 10, 1)],
      ['nodejs/index.js', 0o100777, Date.UTC(2023, 10, 1)],
    ]);
    const crc = await page.locator('[data-checksum="codeChecksum"]').innerText();
    expect((await fc.getLayerVersion('fc-folder', '1')).body!.codeChecksum).toBe(crc);

    expect(await page.locator('[data-acl]').innerText()).toBe(`Private (acl 0): only account ${FC_ACCOUNT} can use this layer's versions.`);
    await page.getByRole('button', { name: 'Make public' }).click();
    await expect.poll(() => page.locator('[data-acl]').innerText()).toBe('Public (acl 1): every account can use every version of this layer.');
    expect((await fc.getLayerVersion('fc-folder', '1')).body!.acl).toBe('1');
    await screenshot(page, '5-version-fc-public');
    await page.getByRole('button', { name: 'Make private' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#status').innerText()).toBe('fc-folder is now private.');
    // The button is drawn anew; the focus is kept at the top of its section, not dropped.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('access-title');
    expect((await fc.getLayerVersion('fc-folder', '1')).body!.acl).toBe('0');
    await page.close();
  });

  it('console: an upload that is not a zip is refused, and the page says why', async () => {
    const page = await open(`#/aws/${ONE.account}/${ONE.region}`);
    await page.getByLabel('Layer name').fill('not-a-zip');
    await page.getByLabel('Zip file', { exact: true }).setInputFiles(await fileOf('notes.txt', Buffer.from('these are notes, not a zip')));
    await page.getByRole('button', { name: 'Publish' }).click();
    const error = page.locator('#publish-error');
    await error.waitFor();
    expect(await error.innerText()).toBe(
      'Not published: This is not a zip file that can be unzipped. Choose a .zip file, or upload a folder. (In detail: not a ' +
        'valid zip: End of central directory record signature not found. Either not a zip file, or file is truncated.)',
    );
    expect(await error.getAttribute('role')).toBe('alert');
    await screenshot(page, '6-refused');
    await expectAwsError(one.send(new GetLayerVersionCommand({ LayerName: 'not-a-zip', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    await page.close();
  });

  it('console: the policy view; grant and revoke a permission, as GetLayerVersionPolicy then reads it', async () => {
    const page = await open(`#/aws/${TWO.account}/${TWO.region}/layers/beta/versions/1`);
    expect(await page.locator('.access p').first().innerText()).toBe('Nothing is granted: only account 222222222222, the owner, can use this version.');
    await page.getByLabel('Statement ID').fill('partner');
    await page.getByLabel('Principal').fill('333333333333');
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Granted partner to 333333333333.');
    await expect.poll(() => page.locator('.access table tbody tr td').allInnerTexts()).toEqual(['partner', '333333333333', '', 'lambda:GetLayerVersion', 'Revoke']);
    const policy = await two.send(new GetLayerVersionPolicyCommand({ LayerName: 'beta', VersionNumber: 1 }));
    await page.getByText('Policy document, as GetLayerVersionPolicy returns it').click();
    expect(JSON.parse(await page.locator('.access pre').innerText())).toEqual(JSON.parse(policy.Policy!));
    expect(JSON.parse(policy.Policy!).Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::333333333333:root' });
    // AWS's own check, in AWS's words.
    await page.getByLabel('Statement ID').fill('bad id!');
    await page.getByLabel('Principal').fill('*');
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect.poll(() => page.locator('.access [role=alert]').innerText()).toBe(
      "1 validation error detected: Value 'bad id!' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    );
    await screenshot(page, '7-policy');
    await page.getByRole('button', { name: 'Revoke partner' }).click();
    await expect.poll(() => page.locator('#status').innerText()).toBe('Revoked partner.');
    await expectAwsError(two.send(new GetLayerVersionPolicyCommand({ LayerName: 'beta', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    await page.close();
  });

  it('console: publish and delete with the keyboard alone (Tab, Space, Enter), the focus always visible', async () => {
    const zip = await makeZip({ 'nodejs/index.js': 'module.exports = 1;\n' });
    const zipPath = await fileOf('keyboard.zip', zip);
    const page = await open(`#/aws/${ONE.account}/${ONE.region}`);
    await tabTo(page, '#publish-name');
    expect(await focusRing(page)).toEqual({ style: 'solid', width: '3px', tag: 'input' });
    await page.keyboard.type('by-keyboard');
    await tabTo(page, '#publish-zip');
    expect((await focusRing(page)).style).toBe('solid');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles(zipPath);
    await tabTo(page, '#runtime-nodejs22-x');
    await page.keyboard.press('Space');
    await tabTo(page, '#publish-button');
    expect(await focusRing(page)).toEqual({ style: 'solid', width: '3px', tag: 'button' });
    await screenshot(page, '8-keyboard-focus');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#status').innerText()).toBe('Published version 1 of by-keyboard.');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('version-title');
    const sdk = await one.send(new GetLayerVersionCommand({ LayerName: 'by-keyboard', VersionNumber: 1 }));
    expect([sdk.Content?.CodeSha256, sdk.CompatibleRuntimes]).toEqual([sha256(zip).toString('base64'), ['nodejs22.x']]);

    // From the version's heading: the download link, then the delete button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Download zip');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete version 1…');
    await page.keyboard.press('Space');
    await page.getByRole('dialog').waitFor();
    // The dialog takes the focus (on Cancel); Escape closes it without deleting.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('delete-cancel');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete version 1…');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('delete-confirm');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#status').innerText()).toBe('Deleted version 1 of by-keyboard.');
    await expectAwsError(one.send(new GetLayerVersionCommand({ LayerName: 'by-keyboard', VersionNumber: 1 })), { status: 404, code: 'ResourceNotFoundException' });
    // That was the layer's only version: back to the account's layers.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('layers-title');
    await page.close();
  });
});
