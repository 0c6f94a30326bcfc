/* The decision app's page: keyboard and screen-reader behaviour that ipywidgets leaves out.
 *
 * - The input groups are an ipywidgets Accordion, whose headers are plain <div>s. Each header
 *   becomes a button: reached with Tab, opened or closed with Enter or Space, its state in
 *   aria-expanded and the group it opens in aria-controls.
 * - On a narrow screen the workbook shows the results above the inputs. The results column is
 *   moved before the inputs column in the page, so Tab follows what is seen; on a wide screen
 *   the inputs (left) come first again.
 * - Every chart image gets a text alternative: the description its PNG carries (written by
 *   mlkit.plots.decision.png_bytes: what this chart shows for these inputs), else the image's
 *   title (what the chart shows in general). The description is read again whenever the chart
 *   is redrawn.
 *
 * Widgets are drawn after the page loads and redrawn on every change, so one MutationObserver
 * applies all three whenever the page changes.
 */
(function () {
  'use strict';

  var NARROW = window.matchMedia('(max-width: 1000px)'); // the workbook's one-column break point
  var OPEN = 'jupyter-widget-Collapse-open';
  var groups = 0;

  function onHeaderKey(event) {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault(); // Space would scroll the page
    if (!event.repeat) event.currentTarget.click();
  }

  function makeHeadersButtons(root) {
    var headers = root.querySelectorAll('.jupyter-widget-Collapse-header');
    for (var i = 0; i < headers.length; i++) {
      var header = headers[i];
      if (header.getAttribute('role') !== 'button') {
        header.setAttribute('role', 'button');
        header.tabIndex = 0;
        header.addEventListener('keydown', onHeaderKey);
        var icon = header.querySelector('i');
        if (icon) icon.setAttribute('aria-hidden', 'true');
        var contents = header.parentElement.querySelector('.jupyter-widget-Collapse-contents');
        if (contents) {
          if (!contents.id) contents.id = 'mlkit-group-' + (++groups);
          header.setAttribute('aria-controls', contents.id);
        }
      }
      var open = String(header.parentElement.classList.contains(OPEN));
      if (header.getAttribute('aria-expanded') !== open) header.setAttribute('aria-expanded', open);
    }
  }

  function orderColumns(root) {
    var mains = root.querySelectorAll('.mlkit-main');
    for (var i = 0; i < mains.length; i++) {
      var main = mains[i];
      var inputs = main.querySelector(':scope > .mlkit-inputs-column');
      var results = main.querySelector(':scope > .mlkit-results-column');
      if (!inputs || !results) continue;
      var resultsFirst = NARROW.matches;
      var resultsBefore = Boolean(results.compareDocumentPosition(inputs) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (resultsFirst !== resultsBefore) {
        main.insertBefore(resultsFirst ? results : inputs, resultsFirst ? inputs : results);
      }
      main.classList.toggle('mlkit-results-first', resultsFirst);
    }
  }

  /* The text chunks of a PNG (tEXt, and iTXt when not compressed): {keyword: text}. */
  function pngText(bytes) {
    var found = {};
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var at = 8; // after the signature
    while (at + 12 <= bytes.length) {
      var length = view.getUint32(at);
      var type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
      if (type === 'IEND') break;
      var data = bytes.subarray(at + 8, at + 8 + length);
      var end = data.indexOf(0);
      if (end > 0 && type === 'tEXt') {
        found[new TextDecoder('latin1').decode(data.subarray(0, end))] = new TextDecoder('latin1').decode(data.subarray(end + 1));
      } else if (end > 0 && type === 'iTXt' && data[end + 1] === 0) {
        var text = data.indexOf(0, data.indexOf(0, end + 3) + 1) + 1; // after the language and the translated keyword
        found[new TextDecoder('latin1').decode(data.subarray(0, end))] = new TextDecoder('utf-8').decode(data.subarray(text));
      }
      at += 12 + length;
    }
    return found;
  }

  function describeChart(img) {
    var src = img.src;
    fetch(src)
      .then(function (response) { return response.arrayBuffer(); })
      .then(function (buffer) {
        var text = pngText(new Uint8Array(buffer));
        if (img.src === src && text.Description) img.alt = text.Description;
      })
      .catch(function () { /* the title stays as the alternative */ });
  }

  function nameCharts(root) {
    var images = root.querySelectorAll('img.mlkit-chart');
    for (var i = 0; i < images.length; i++) {
      var img = images[i];
      if (!img.alt) img.alt = img.title || 'chart';
      if (img.src && img.getAttribute('data-mlkit-described') !== img.src) {
        img.setAttribute('data-mlkit-described', img.src);
        describeChart(img);
      }
    }
  }

  var queued = false;
  function apply() {
    queued = false;
    makeHeadersButtons(document);
    orderColumns(document);
    nameCharts(document);
  }
  function schedule() {
    if (!queued) {
      queued = true;
      window.requestAnimationFrame(apply);
    }
  }

  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'src'],
  });
  if (NARROW.addEventListener) NARROW.addEventListener('change', schedule);
  schedule();
})();
