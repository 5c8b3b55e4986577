package uk.nhs.tto.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the coverage benchmarks count: per domain, how many replicates' 95% intervals (Satterthwaite and Wald)
 * contain the planted value, with the mean and SD of the estimates and the mean SE, and the Markdown table
 * {@code docs/BENCHMARKS.md} shows. #4 requires each domain's Satterthwaite coverage in 90–99%.
 */
final class CoverageTally {

  private final Map<String, Double> planted;
  private final Map<String, Domain> domains = new LinkedHashMap<>();

  /** @param planted domain (as {@link DomainResult#domain()} names it) to the value planted in every replicate */
  CoverageTally(Map<String, Double> planted) {
    this.planted = planted;
    planted.keySet().forEach(d -> domains.put(d, new Domain()));
  }

  /** Counts one replicate's result; every domain must have been fitted. */
  void add(DomainResult d) {
    assertThat(d.status()).as("%s %s", d.domain(), d.warnings()).isEqualTo(DomainResult.Status.FITTED);
    Domain t = domains.get(d.domain());
    assertThat(t).as("a planted value for %s", d.domain()).isNotNull();
    t.add(d.did(), planted.get(d.domain()));
  }

  /** True when every domain's Satterthwaite coverage lies in 90–99%. */
  boolean allPass() {
    return domains.values().stream().allMatch(Domain::pass);
  }

  /** The table: one row per domain. */
  String markdown() {
    StringBuilder md = new StringBuilder(
        "| domain | planted | Satterthwaite 95% CI covers | Wald 95% CI covers | mean estimate | SD of estimates"
            + " | mean SE | required 90–99% |\n|---|---|---|---|---|---|---|---|\n");
    domains.forEach((name, t) -> md.append(String.format(Locale.ROOT,
        "| %s | %.2f | %d / %d = **%.0f%%** | %d / %d = %.0f%% | %.3f | %.3f | %.3f | %s |%n", name,
        planted.get(name), t.satCovered, t.n, t.satPercent(), t.waldCovered, t.n, 100.0 * t.waldCovered / t.n,
        t.sum / t.n, t.sd(), t.sumSe / t.n, t.pass() ? "PASS" : "FAIL")));
    return md.toString();
  }

  /** Coverage counts and moments of the estimates of one domain. */
  private static final class Domain {
    int n;
    int satCovered;
    int waldCovered;
    double sum;
    double sumSq;
    double sumSe;

    void add(DidEstimate e, double truth) {
      n++;
      satCovered += e.satLow() <= truth && truth <= e.satHigh() ? 1 : 0;
      waldCovered += e.waldLow() <= truth && truth <= e.waldHigh() ? 1 : 0;
      sum += e.estimate();
      sumSq += e.estimate() * e.estimate();
      sumSe += e.se();
    }

    double satPercent() {
      return 100.0 * satCovered / n;
    }

    boolean pass() {
      return n > 0 && satPercent() >= 90 && satPercent() <= 99;
    }

    double sd() {
      return Math.sqrt((sumSq - sum * sum / n) / (n - 1));
    }
  }
}
