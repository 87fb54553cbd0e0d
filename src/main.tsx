import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as tf from '@tensorflow/tfjs';
import { App } from './App';
import { startBackend } from './state/actions';
import './styles.css';

declare global {
  interface Window {
    /** Console handle for researchers: `maskd.tf` is the page's TensorFlow.js. */
    maskd: { tf: typeof tf };
  }
}
window.maskd = { tf };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startBackend();
