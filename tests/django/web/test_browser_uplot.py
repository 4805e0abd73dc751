"""The vendored uPlot, served by staticfiles from the package, draws 100,000 points in
headless Chromium (the test page itself is a static file of this directory)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.test import override_settings
from selenium.webdriver.support.ui import WebDriverWait

from influxpy.testing.browser import Browser

PAGE = '/static/influxpy_tests/uplot-100k.html'

# Of the plot area's pixel columns, how many hold a pixel of the series' red stroke.
COLUMNS_DRAWN = '''
const plot = window.plot, canvas = plot.ctx.canvas;
const {left, top, width, height} = plot.bbox;
const data = plot.ctx.getImageData(left, top, width, height).data;
let columns = 0, red = 0;
for (let x = 0; x < width; x++) {
  let hit = false;
  for (let y = 0; y < height; y++) {
    const i = (y * width + x) * 4;
    if (data[i] > 200 && data[i + 1] < 80 && data[i + 2] < 80 && data[i + 3] > 200) {
      hit = true; red++;
    }
  }
  if (hit) columns++;
}
return {columns, width, red, canvasWidth: canvas.width};
'''


def test_uplot_draws_100000_points(chromium: Browser, live_server: Any) -> None:
    static = Path(__file__).parent / 'static'
    with override_settings(STATICFILES_DIRS=[static]):
        started = time.perf_counter()
        chromium.get(live_server.url + PAGE)
        drawn_ms = WebDriverWait(chromium.driver, 10).until(
            lambda driver: driver.execute_script('return window.drawnMs'),
            'uPlot never drew (window.drawnMs unset)')
        loaded = time.perf_counter() - started
        assert chromium.driver.execute_script('return plot.data[0].length') == 100_000
        drawn = chromium.driver.execute_script(COLUMNS_DRAWN)
    # The line crosses the whole plot: (nearly) every column has red in it.
    assert drawn['columns'] >= 0.98 * drawn['width'], drawn
    assert drawn['red'] > 10 * drawn['width'], drawn
    requests = chromium.requests()
    assert live_server.url + '/static/influxpy/vendor/uplot/uPlot.iife.min.js' in requests
    assert chromium.requests_elsewhere(live_server.url) == []
    assert chromium.console_errors() == []
    print(f'uPlot drew 100,000 points in {drawn_ms:.1f} ms; page loaded and drawn in '
          f'{loaded * 1000:.0f} ms')
