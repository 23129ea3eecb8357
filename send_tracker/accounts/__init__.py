"""Users and roles in the browser, for administrators: invite, assign roles, deactivate.

`send_tracker` imports no app, so what the apps know about a user (a programme lead's strands)
comes in through `extras`: each app registers its part in its AppConfig.ready().
"""
