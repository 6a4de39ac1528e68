// The wall's login: the token goes to POST /api/login once; the server answers with an HttpOnly
// session cookie, and the page goes back where it came from (a path on this server only).
const form = document.getElementById('login-form');
const input = document.getElementById('login-token');
const status = document.getElementById('login-status');

function nextPage() {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  return /^\/(?![/\\])/.test(next) ? next : '/';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = input.value.trim();
  if (!token) { status.textContent = 'enter a token'; input.focus(); return; }
  status.textContent = 'logging in…';
  try {
    const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const data = await res.json().catch(() => null);
    if (!res.ok) throw new Error(data?.error ?? `HTTP ${res.status}`);
    input.value = '';
    location.replace(nextPage());
  } catch (err) {
    status.textContent = `login refused: ${err.message}`;
    input.select();
  }
});
input.focus();
