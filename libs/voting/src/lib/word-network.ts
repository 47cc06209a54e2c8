import { Token } from './word-tokens';

/** One hypothesis' entry in a column: its word there, or null for "nothing" (SCTK's `@`). */
export interface Arc {
  hypothesis: number;
  token: Token | null;
}
/** One aligned position; arcs keep the order SCTK's network gives them, which breaks its ties. */
export type Column = Arc[];

/*
 * Word-to-word costs of SCTK's rover (`wwd_WORD_rover`, src/sclite/word.c): a match 0, a
 * substitution 4, an insertion or deletion 3, but a word against a column's "nothing" 1 and
 * skipping a column that already holds a "nothing" 0.001. The discounts are what keep a word that
 * one hypothesis dropped in the same column as the others' copies of it, instead of shifting it.
 */
const MATCH = 0;
const SUBSTITUTE = 4;
const INSERT_OR_DELETE = 3;
const WORD_FOR_NOTHING = 1;
const SKIP_NOTHING = 0.001;

function substitutionCost(arc: Arc, word: Token): number {
  if (arc.token === null) return WORD_FOR_NOTHING;
  return arc.token.key === word.key ? MATCH : SUBSTITUTE;
}

function deletionCost(arc: Arc): number {
  return arc.token === null ? SKIP_NOTHING : INSERT_OR_DELETE;
}

/** SCTK keeps the cost matrix in C `float`s; summing the same way gives the same ties. */
const f32 = Math.fround;

/**
 * Aligns hypotheses into one word network the way SCTK's rover does (`Network_dpalign_n_networks`,
 * src/sclite/net_dp.c): the first hypothesis is the skeleton, each next one is aligned against the
 * network built so far by dynamic programming over the network's arcs (every arc of a column is a
 * separate state whose predecessors are all arcs of the previous column), and merged in.
 */
export function alignHypotheses(hypotheses: readonly Token[][]): Column[] {
  if (hypotheses.length === 0) return [];
  let columns: Column[] = hypotheses[0].map((token) => [{ hypothesis: 0, token }]);
  for (let h = 1; h < hypotheses.length; h++) columns = mergeHypothesis(columns, hypotheses[h], h);
  return columns;
}

interface Cell {
  cost: number;
  backArc: number;
  backWord: number;
}

function mergeHypothesis(columns: Column[], words: Token[], index: number): Column[] {
  // Arc 0 is the null head SCTK adds to both networks; then every column's arcs, in order.
  const arcs: Array<{ column: number; arc: Arc | null }> = [{ column: -1, arc: null }];
  const firstArcOf: number[] = [];
  columns.forEach((column, c) => {
    firstArcOf.push(arcs.length);
    for (const arc of column) arcs.push({ column: c, arc });
  });
  const predecessors = (a: number): number[] => {
    const c = arcs[a].column;
    if (c <= 0) return [0];
    return columns[c - 1].map((_, k) => firstArcOf[c - 1] + k);
  };
  const nb = words.length + 1;
  const cells: Cell[] = new Array(arcs.length * nb);
  const at = (a: number, b: number): Cell => cells[a * nb + b];
  cells[0] = { cost: 0, backArc: -1, backWord: -1 };
  for (let b = 1; b < nb; b++)
    cells[b] = { cost: f32(at(0, b - 1).cost + INSERT_OR_DELETE), backArc: 0, backWord: b - 1 };
  const cheapest = (from: number[], b: number): number => {
    let best = from[0];
    for (const a of from) if (at(a, b).cost < at(best, b).cost) best = a;
    return best;
  };
  for (let a = 1; a < arcs.length; a++) {
    const arc = arcs[a].arc as Arc;
    const before = predecessors(a);
    const deleteFrom = cheapest(before, 0);
    cells[a * nb] = {
      cost: f32(at(deleteFrom, 0).cost + deletionCost(arc)),
      backArc: deleteFrom,
      backWord: 0,
    };
    for (let b = 1; b < nb; b++) {
      const ins = f32(at(a, b - 1).cost + INSERT_OR_DELETE);
      const delFrom = cheapest(before, b);
      const del = f32(at(delFrom, b).cost + deletionCost(arc));
      const subFrom = cheapest(before, b - 1);
      const sub = f32(at(subFrom, b - 1).cost + substitutionCost(arc, words[b - 1]));
      // SCTK's order of preference on equal costs: substitution, then deletion, then insertion.
      if (sub <= del && sub <= ins) cells[a * nb + b] = { cost: sub, backArc: subFrom, backWord: b - 1 };
      else if (del < ins) cells[a * nb + b] = { cost: del, backArc: delFrom, backWord: b };
      else cells[a * nb + b] = { cost: ins, backArc: a, backWord: b - 1 };
    }
  }
  // The trace starts at the cheapest (last-column arc, last word) cell, the first one on a tie.
  const lastColumn = columns.length - 1;
  const finals = lastColumn < 0 ? [0] : columns[lastColumn].map((_, k) => firstArcOf[lastColumn] + k);
  let a = cheapest(finals, nb - 1);
  let b = nb - 1;
  const appended: Arc[][] = columns.map(() => []);
  // Columns inserted after column c (c = -1: before the first), collected back to front.
  const inserted = new Map<number, Column[]>();
  while (a > 0 || b > 0) {
    const cell = at(a, b);
    const column = arcs[a].column;
    if (cell.backArc === a) {
      const nothing = Array.from({ length: index }, (_, h): Arc => ({ hypothesis: h, token: null }));
      inserted.set(column, [
        [{ hypothesis: index, token: words[b - 1] }, ...nothing],
        ...(inserted.get(column) ?? []),
      ]);
    } else if (cell.backWord === b) {
      appended[column].push({ hypothesis: index, token: null });
    } else {
      appended[column].push({ hypothesis: index, token: words[b - 1] });
    }
    a = cell.backArc;
    b = cell.backWord;
  }
  const merged: Column[] = [...(inserted.get(-1) ?? [])];
  columns.forEach((column, c) => merged.push([...column, ...appended[c]], ...(inserted.get(c) ?? [])));
  return merged;
}
