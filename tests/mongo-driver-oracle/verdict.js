// Reads connection strings as JSON lines on stdin (each line a JSON string) and prints, per line,
// the verdict of Rocket.Chat's driver: {"valid": true} when `new MongoClient(uri)` accepts the URL,
// {"valid": false, "error": "<name>: <message>"} when it throws. Nothing connects: the constructor
// parses and validates synchronously.
'use strict';
const readline = require('node:readline');
const { MongoClient } = require('mongodb');

// Deprecation warnings are part of a valid verdict, not output.
process.removeAllListeners('warning');
process.on('warning', () => {});

function verdict(uri) {
  try {
    new MongoClient(uri);
    return { valid: true };
  } catch (e) {
    return { valid: false, error: `${e && e.name}: ${e && e.message}` };
  }
}

// `--options`: print the driver's URI option names (its OPTIONS table) as one JSON array.
if (process.argv.includes('--options')) {
  const { OPTIONS } = require('mongodb/lib/connection_string');
  process.stdout.write(JSON.stringify(Object.keys(OPTIONS)) + '\n');
  process.exit(0);
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  let uri;
  try {
    uri = JSON.parse(line);
  } catch (e) {
    process.stdout.write(JSON.stringify({ valid: false, error: `bad input line: ${e.message}` }) + '\n');
    return;
  }
  process.stdout.write(JSON.stringify(verdict(String(uri))) + '\n');
});
