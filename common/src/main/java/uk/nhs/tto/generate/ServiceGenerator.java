package uk.nhs.tto.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import uk.nhs.tto.ingest.MonthId;

/**
 * Generates one service month by month, holding only its open referrals: referrals arrive (growing volume),
 * are simulated and scored whole, re-submitted every month they are open, and dropped after their last month.
 * The service starts {@value #BURN_IN_MONTHS} months before the extract so the first month already has the
 * waiting lists and caseloads of a running service.
 */
final class ServiceGenerator {

  static final int BURN_IN_MONTHS = 9;
  /**
   * Finished courses per referral in a steady state (calibrated on this simulation): turns
   * {@code --courses-per-service-year} into a referral rate.
   */
  static final double FINISHED_PER_REFERRAL = 0.675;

  private final GeneratorOptions options;
  private final ServicePlan plan;
  private final Days days;

  ServiceGenerator(GeneratorOptions options, ServicePlan plan, Days days) {
    this.options = options;
    this.plan = plan;
    this.days = days;
  }

  Tally run() throws IOException {
    Tally tally = new Tally();
    Rng rng = Rng.of(options.seed(), plan.index, ServicePlan.STREAM_REFERRALS);
    Defects defects = options.defectFraction() > 0
        ? new Defects(Rng.of(options.seed(), plan.index, ServicePlan.STREAM_DEFECTS), options.defectFraction())
        : null;
    int dataFirstDay = Days.of(options.start().atDay(1));
    int dataLastDay = Days.of(options.end().atEndOfMonth());
    ReferralFactory.Counters ids = new ReferralFactory.Counters();
    ReferralFactory factory = new ReferralFactory(plan, options.codebook(), rng, dataLastDay, ids);
    ScorePlanter planter = new ScorePlanter(options, plan, rng, dataFirstDay, dataLastDay, ids);
    MonthWriter writer = new MonthWriter(options, plan, days, tally, defects);
    Path serviceFolder = options.out().resolve(plan.code);

    double perMonth = options.coursesPerServiceYear() * plan.sizeMultiplier / 12 / FINISHED_PER_REFERRAL;
    List<Referral> active = new ArrayList<>();
    long number = 0;
    for (int m = -BURN_IN_MONTHS; m < options.months(); m++) {
      YearMonth ym = options.start().plusMonths(m);
      int monthStart = Days.of(ym.atDay(1));
      int monthEnd = Days.of(ym.atEndOfMonth());
      int[] arrivals = new int[rng.poisson(perMonth * Math.pow(1 + options.monthlyGrowth(), m))];
      for (int i = 0; i < arrivals.length; i++) {
        int day;
        do {
          day = monthStart + rng.below(monthEnd - monthStart + 1);
        } while (Days.weekend(day));
        arrivals[i] = day;
      }
      Arrays.sort(arrivals);
      for (int day : arrivals) {
        Referral r = factory.create(++number, day);
        if (r.lastDay < dataFirstDay) {
          continue; // Discharged before the extract begins: history the extract does not show.
        }
        planter.plant(r);
        active.add(r);
      }
      if (m < 0) {
        continue;
      }
      int monthId = MonthId.of(ym);
      writer.write(serviceFolder.resolve(Integer.toString(monthId)), monthId, monthStart, monthEnd, active);
      int kept = 0;
      for (Referral r : active) {
        if (r.lastDay > monthEnd) {
          active.set(kept++, r);
        } else {
          tally.add(r);
        }
      }
      active.subList(kept, active.size()).clear();
    }
    active.forEach(tally::add);
    return tally;
  }
}
