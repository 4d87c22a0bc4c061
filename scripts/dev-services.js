#!/usr/bin/env node
// Small probes for scripts/dev.sh, in plain JavaScript so they need only the installed
// dependencies (pg, ioredis) and not psql, redis-cli or curl.
//
//   node scripts/dev-services.js pg <postgres-url>       exit 0 up, 3 unreachable, 4 other error
//   node scripts/dev-services.js createdb <postgres-url> creates the URL's database if missing
//   node scripts/dev-services.js redis <redis-url>       exit 0 up, 3 unreachable, 4 other error
//   node scripts/dev-services.js http <url>              exit 0 when the URL answers 200
'use strict';

const UNREACHABLE = 3;
const OTHER = 4;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

function isUnreachable(err) {
  return UNREACHABLE_CODES.has(err && err.code) || /timeout|terminated unexpectedly|ECONNREFUSED/i.test(String(err && err.message));
}

/** The same server, its maintenance database `postgres`. */
function adminUrl(url) {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

async function withPg(url, fn) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function pgPing(url) {
  await withPg(adminUrl(url), (c) => c.query('SELECT 1'));
}

async function createDb(url) {
  const name = databaseName(url);
  await withPg(adminUrl(url), async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) {
      console.log(`database "${name}" exists`);
      return;
    }
    await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    console.log(`database "${name}" created`);
  });
}

async function redisPing(url) {
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError = null;
  redis.on('error', (err) => {
    lastError = err;
  });
  try {
    await redis.connect().catch((err) => {
      throw lastError || err;
    });
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
  } finally {
    redis.disconnect();
  }
}

async function httpOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw Object.assign(new Error(`HTTP ${res.status}`), { code: 'ECONNREFUSED' });
}

const commands = { pg: pgPing, createdb: createDb, redis: redisPing, http: httpOk };

async function main() {
  const [command, url] = process.argv.slice(2);
  const run = commands[command];
  if (!run || !url) {
    console.error('usage: dev-services.js pg|createdb|redis|http <url>');
    process.exit(2);
  }
  try {
    await run(url);
  } catch (err) {
    const cause = (err && err.cause) || err;
    if (command !== 'http') console.error(`${command}: ${(cause && (cause.message || cause.code)) || cause}`);
    process.exit(isUnreachable(cause) || isUnreachable(err) ? UNREACHABLE : OTHER);
  }
}

main();
