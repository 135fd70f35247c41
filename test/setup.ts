// Every test file: the temporary repositories and runner folders it made go when it ends.
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers/temp.js';

afterAll(removeTempDirs);
