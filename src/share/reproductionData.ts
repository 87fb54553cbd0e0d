// Written by scripts/reproduction-summary.ts from scripts/results/reproduce-<task>.json: do not edit.
import type { Reproduction } from './reproduction';

export const REPRODUCTIONS: readonly Reproduction[] = [
 {
  "task": "segmentation",
  "metricName": "mIoU",
  "scenes": 256,
  "steps": 2000,
  "batchSize": 8,
  "lr": 0.01,
  "studentInit": "fresh",
  "seeds": [
   1,
   2,
   3,
   4,
   5
  ],
  "teacher": 0.78737,
  "methods": [
   {
    "method": "none",
    "values": [
     0.28166,
     0.29484,
     0.31044,
     0.23359,
     0.2429
    ]
   },
   {
    "method": "fitnet",
    "values": [
     0.27096,
     0.30984,
     0.30621,
     0.32436,
     0.29901
    ]
   },
   {
    "method": "cwd",
    "values": [
     0.29505,
     0.31721,
     0.32635,
     0.28453,
     0.29999
    ]
   },
   {
    "method": "maskd",
    "values": [
     0.31531,
     0.31462,
     0.36956,
     0.34129,
     0.33553
    ]
   }
  ]
 },
 {
  "task": "detection",
  "metricName": "AP@0.5",
  "scenes": 256,
  "steps": 2000,
  "batchSize": 8,
  "lr": 0.01,
  "studentInit": "fresh",
  "seeds": [
   1,
   2,
   3,
   4,
   5
  ],
  "teacher": 0.79749,
  "methods": [
   {
    "method": "none",
    "values": [
     0.47965,
     0.41961,
     0.45957,
     0.47319,
     0.44461
    ]
   },
   {
    "method": "fitnet",
    "values": [
     0.54471,
     0.54687,
     0.54076,
     0.54262,
     0.53739
    ]
   },
   {
    "method": "cwd",
    "values": [
     0.52301,
     0.55153,
     0.54116,
     0.57356,
     0.50854
    ]
   },
   {
    "method": "maskd",
    "values": [
     0.591,
     0.56287,
     0.57949,
     0.55132,
     0.52784
    ]
   }
  ]
 }
];
