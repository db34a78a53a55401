#!/usr/bin/env node
'use strict';
// The `amr` command. In this repository it runs the TypeScript source (through ts-node, so it is never stale);
// in an installed package it runs the compiled lib/.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
if (fs.existsSync(source)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  require(source).cli();
} else {
  require(path.join(root, 'lib', 'cli', 'main.js')).cli();
}
