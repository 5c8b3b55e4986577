package uk.nhs.tto.variation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import uk.nhs.tto.errors.TtoException;
import uk.nhs.tto.stats.LmmFit;

/**
 * Each service's own difference-in-differences (DiD) as a BLUP of the national model, with random intercepts only.
 *
 * <p><b>Why a change-score model.</b> SPEC §5's model has random intercepts for service, therapist and client and
 * no random slopes, so every service shares one DiD there: a service-specific DiD would need a random
 * {@code time:cohort} slope by service, which the engine (nested random intercepts) does not fit. With two
 * scores per course, the course's change (last − first) removes every random intercept of the long model and
 * every covariate entered as a main effect, and its mean is β_time + β_time:cohort · cohort; so
 * {@code change ~ cohort} carries the whole DiD. Giving it random intercepts by service and by service × cohort,
 *
 * <pre>  change ~ cohort + (1 | service/cohort_group)     [ = (1|service) + (1|service:cohort_group) ]</pre>
 *
 * lets each service's pre and post mean change depart from the national ones: u_s (the service's mean change,
 * common to both cohorts) and v_{s,pre}, v_{s,post} (its cohort-specific departures). The service's DiD is then
 * β_cohort + v_{s,post} − v_{s,pre}: the intercept-only equivalent of a random {@code time:cohort} slope, and the
 * national {@code cohort} coefficient is the change-score form of the DiD (on did40 lme4 gives −2.502817523 for
 * {@code change ~ cohort + (1|service_id)}, the reference notes' boundary case, and −2.502816488 for the long
 * model's {@code time:cohort}). Its variance σ²_{service:cohort} measures how
 * much DiDs vary between services, and comparing the model with and without that term is the test that they vary.
 *
 * <p><b>BLUPs.</b> The engine gives BLUPs of every level but the lowest (it folds lowest-level groups by size), and
 * here the lowest level, service × cohort, is the one needed. With X = (1, cohort) constant within a service ×
 * cohort group, the same Sherman–Morrison steps the engine's likelihood uses give them in closed form from each
 * group's n and Σchange: with γ₁ = θ²_{service:cohort}, γ₂ = θ²_service, r_g = Σchange_g − n_g x_gᵀβ̂,
 * a_g = r_g/(1+n_gγ₁), s_g = n_g/(1+n_gγ₁), S = Σ_g s_g, c = γ₂/(1+γ₂S), the conditional mode is
 * v̂_g = γ₁(a_g − c·s_g·Σ_h a_h). The prediction error variance of β̂_cohort + v̂_post − v̂_pre is Henderson's
 * (1975) (k − XᵀV⁻¹ZGm)ᵀ Var(β̂) (k − XᵀV⁻¹ZGm) + mᵀ(G − GZᵀV⁻¹ZG)m, which includes the uncertainty of β̂ (lme4's
 * condVar does not; {@link ServiceDid#condSd} gives that part alone). A service with no course in one cohort gets
 * v̂ = 0 there: its DiD is pulled fully to the national value on that side, with the wide interval that implies.
 */
public final class ChangeScoreModel {

  /** The model, in lme4's syntax, on {@link uk.nhs.tto.subgroups.SubgroupData#changes} data. */
  public static final String FORMULA = "change ~ cohort + (1 | service/cohort_group)";

  /** The same without service × cohort intercepts: every service shares the national DiD. */
  public static final String NULL_FORMULA = "change ~ cohort + (1 | service)";

  /** How the variation test is made, for reports. */
  public static final String TEST_METHOD = "likelihood-ratio test (REML) of the service:cohort variance in "
      + FORMULA + ", p from the 50:50 mixture of chi-squared(0) and chi-squared(1) (variance on its boundary)";

  private static final double Z975 = 1.959963985;

  private ChangeScoreModel() {}

  /** A service's courses in the model: how many and the sum of their change scores, per cohort. */
  public record ServiceSums(long nPre, double sumPre, long nPost, double sumPost) {}

  /**
   * Each service's DiD BLUP from a REML or ML fit of {@link #FORMULA}.
   *
   * @param sums per service, its courses' counts and change sums in each cohort (the data the fit was made on)
   */
  public static List<ServiceDid> blups(LmmFit fit, Map<String, ServiceSums> sums) {
    List<String> terms = fit.termNames();
    if (!terms.equals(List.of("(Intercept)", "cohort"))) {
      throw TtoException.of(
          "The change-score model's fixed effects are " + terms,
          "service DiDs need both the intercept and the cohort coefficient (a cohort with no courses leaves"
              + " cohort aliased)",
          "check that both cohorts have courses");
    }
    double[] theta = fit.theta();
    double g1 = theta[0] * theta[0];
    double g2 = theta[1] * theta[1];
    double sigma2 = fit.residualVariance();
    double b0 = fit.fixed().get(0).estimate();
    double b1 = fit.fixed().get(1).estimate();
    double[][] vcov = fit.vcov();
    List<ServiceDid> out = new ArrayList<>();
    sums.forEach((service, s) -> {
      long[] n = {s.nPre(), s.nPost()};
      double[] r = {s.sumPre() - s.nPre() * b0, s.sumPost() - s.nPost() * (b0 + b1)};
      double[] a = new double[2];
      double[] w = new double[2];
      double bigS = 0;
      double bigA = 0;
      for (int g = 0; g < 2; g++) {
        a[g] = r[g] / (1 + n[g] * g1);
        w[g] = n[g] / (1 + n[g] * g1);
        bigS += w[g];
        bigA += a[g];
      }
      double c = g2 / (1 + g2 * bigS);
      double[] v = new double[2];
      for (int g = 0; g < 2; g++) {
        v[g] = g1 * (a[g] - c * w[g] * bigA);
      }
      // 1_gᵀṼ⁻¹1_h = δ_gh s_g − c s_g s_h, so (1_post − 1_pre)ᵀṼ⁻¹(1_post − 1_pre) = s₀ + s₁ − c(s₁ − s₀)².
      double quad = w[0] + w[1] - c * (w[1] - w[0]) * (w[1] - w[0]);
      double condVar = sigma2 * g1 * (2 - g1 * quad);
      // XᵀṼ⁻¹1_g = x_g s_g − c s_g Σ_h x_h s_h with x_pre = (1, 0), x_post = (1, 1).
      double[] sumXs = {w[0] + w[1], w[1]};
      double[] xv0 = {w[0] - c * w[0] * sumXs[0], -c * w[0] * sumXs[1]};
      double[] xv1 = {w[1] - c * w[1] * sumXs[0], w[1] - c * w[1] * sumXs[1]};
      double[] k = {-g1 * (xv1[0] - xv0[0]), 1 - g1 * (xv1[1] - xv0[1])};
      double fixedPart = 0;
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          fixedPart += k[i] * vcov[i][j] * k[j];
        }
      }
      double se = Math.sqrt(Math.max(0, condVar) + fixedPart);
      double estimate = b1 + v[1] - v[0];
      out.add(new ServiceDid(service, estimate, se, estimate - Z975 * se, estimate + Z975 * se, v[1] - v[0],
          Math.sqrt(Math.max(0, condVar))));
    });
    return out;
  }

  /**
   * Whether services' DiDs vary: REML criteria of {@link #NULL_FORMULA} and {@link #FORMULA} (same fixed effects,
   * so REML likelihoods compare), the statistic's p-value from ½χ²₀ + ½χ²₁ (Self and Liang 1987) because the
   * variance tested lies on the boundary of its range under the null hypothesis.
   *
   * @return {statistic, p}
   */
  public static double[] varianceTest(LmmFit full, LmmFit reduced) {
    double statistic = Math.max(0, reduced.criterion() - full.criterion());
    return new double[] {statistic, mixtureP(statistic)};
  }

  /** P(X ≥ statistic) for X from ½χ²₀ + ½χ²₁. */
  static double mixtureP(double statistic) {
    return statistic <= 0 ? 1 : 0.5 * (1 - new ChiSquaredDistribution(null, 1).cumulativeProbability(statistic));
  }
}
