#!/usr/bin/env node
// The coordinator-mcp server. The heap settings (memory.ts) are applied before the rest of the
// program, the SDK and zod are even loaded: hence the dynamic import.
import './memory.js';

await import('./main.js');
