// The reproduction's statistics live in src/share/stats.ts, which the page's comparison table uses
// too (one implementation); the scripts import them from here.
export * from '../src/share/stats';
