app_name = "challenges"
urlpatterns = []
