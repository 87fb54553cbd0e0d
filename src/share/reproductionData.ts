// Written by scripts/reproduction-summary.ts from scripts/results{,/fresh-2000}/reproduce-<task>.json: do not edit.
import type { Reproduction } from './reproduction';

export const REPRODUCTIONS: readonly Reproduction[] = [
 {
  "task": "segmentation",
  "metricName": "mIoU",
  "scenes": 256,
  "steps": 4000,
  "batchSize": 8,
  "lr": 0.01,
  "studentInit": "pretrained",
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
     0.46135,
     0.47546,
     0.47023,
     0.46908,
     0.45898
    ]
   },
   {
    "method": "fitnet",
    "values": [
     0.37183,
     0.35196,
     0.36196,
     0.37933,
     0.36673
    ]
   },
   {
    "method": "cwd",
    "values": [
     0.37141,
     0.37569,
     0.38668,
     0.34484,
     0.37007
    ]
   },
   {
    "method": "maskd",
    "values": [
     0.43091,
     0.4392,
     0.46185,
     0.44605,
     0.43895
    ]
   }
  ]
 },
 {
  "task": "detection",
  "metricName": "AP@0.5",
  "scenes": 256,
  "steps": 3000,
  "batchSize": 8,
  "lr": 0.01,
  "studentInit": "pretrained",
  "seeds": [
   1,
   2,
   3,
   4,
   5,
   6,
   7
  ],
  "teacher": 0.79749,
  "methods": [
   {
    "method": "none",
    "values": [
     0.65568,
     0.69153,
     0.67364,
     0.66997,
     0.64662,
     0.67769,
     0.69905
    ]
   },
   {
    "method": "fitnet",
    "values": [
     0.65436,
     0.64548,
     0.64381,
     0.63621,
     0.61361,
     0.65689,
     0.68796
    ]
   },
   {
    "method": "cwd",
    "values": [
     0.63235,
     0.6307,
     0.64209,
     0.63003,
     0.60639,
     0.66622,
     0.67465
    ]
   },
   {
    "method": "maskd",
    "values": [
     0.60205,
     0.62602,
     0.62935,
     0.62225,
     0.59029,
     0.62311,
     0.65828
    ]
   }
  ]
 },
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
