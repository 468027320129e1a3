package io.contrail.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven by
 * Selenium. Missing binaries fail the test with what to install: a browser test is never skipped.
 */
final class Browser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("docs", "screenshots");
  private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  final ChromeDriver driver;

  Browser(int width, int height) {
    String chromium = find(CHROMIUM, "Chromium");
    String chromedriver = find(DRIVER, "chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--lang=en-GB");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new java.io.File(chromedriver))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    // the page's own size (a headless window's outer size would leave less to the page)
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", width, "height", height,
        "deviceScaleFactor", 1, "mobile", width < 700));
  }

  private static String find(List<String> paths, String what) {
    return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElseThrow(() -> new AssertionError(
        what + " is not installed (looked in " + paths + "): the web UI's browser tests need Debian's packages,"
            + " `apt-get install chromium chromium-driver` (.ci/run installs them)"));
  }

  WebDriver get(String url) {
    driver.get(url);
    return driver;
  }

  <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    // a condition finds its elements again on every poll; one htmx swapped out between the find and
    // the read (stale) is a page still changing, not an answer (a CI run failed on exactly that)
    return new WebDriverWait(driver, timeout).withMessage(what).pollingEvery(Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
