"""Pages of the finance app: thin views over selectors and services, one module per area
(`pages`: budget monitoring and the Overview; `pressures`, `agreement`, `trajectory`;
`common`: what they share). finance/urls/ routes to the modules."""
