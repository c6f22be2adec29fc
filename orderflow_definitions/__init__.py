"""One reader of deployment definitions, shared by the calculator, the local runner and the
generator: CloudFormation/SAM/CDK templates as the deploy would see them, and EventBridge
patterns matched as EventBridge matches them. It depends on no other package of the kit."""
