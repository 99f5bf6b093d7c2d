// The host page listens for the widget's evaluations, as a trial-listing
// site would (to show a "contact the study team" button, for example).
const log = document.getElementById('host-log');
document.addEventListener('trialsieve:evaluation', (e) => {
  if (e.target.id !== 'widget') return;
  const ev = e.detail;
  const open = Array.isArray(ev.questions) ? ev.questions.length : 0;
  log.dataset.verdict = ev.verdict;
  log.textContent = `The host page received an evaluation: ${ev.verdict}, ${open} open question${open === 1 ? '' : 's'}.`;
});
