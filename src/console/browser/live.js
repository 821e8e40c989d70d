// Live refresh of a page's #live region (the situation page): every N seconds the same URL is read again and
// the region replaced. The server renders it; nothing here knows what it shows. A checkbox lets the person stop
// it (RGAA 13.1: content that updates itself can be paused). Without JavaScript the page is simply static.
(function () {
  'use strict';
  var region = document.getElementById('live');
  if (!region) return;
  var seconds = Number(region.getAttribute('data-live-seconds')) || 5;
  var toggle = document.getElementById('live-toggle');
  if (toggle) toggle.closest('[hidden]') && toggle.closest('[hidden]').removeAttribute('hidden');
  var failed = document.getElementById('live-failed');
  var busy = false;

  function refresh() {
    if (busy || document.hidden || (toggle && !toggle.checked)) return;
    busy = true;
    fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        // Signed out or session expired: show the sign-in page instead of a stale screen.
        if (res.redirected || res.status === 401 || res.status === 403) {
          window.location.reload();
          return;
        }
        if (!res.ok) throw new Error(String(res.status));
        return res.text().then(function (html) {
          var next = new DOMParser().parseFromString(html, 'text/html').getElementById('live');
          if (!next) throw new Error('no #live');
          region.innerHTML = next.innerHTML;
          if (failed) failed.hidden = true;
        });
      })
      .catch(function () {
        if (failed) failed.hidden = false;
      })
      .then(function () {
        busy = false;
      });
  }
  window.setInterval(refresh, seconds * 1000);
})();
